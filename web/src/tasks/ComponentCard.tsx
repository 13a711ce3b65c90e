import { useEffect, useRef } from 'react';
import { SchemaForm } from '../components/SchemaForm.tsx';
import type { Component, ComponentKind } from '../types.ts';
import { ActionQualificationField, JobConditionField } from './ComponentExtras.tsx';
import { Field } from '../components/Field.tsx';
import { JsonTextArea } from './JsonTextArea.tsx';
import { fieldId } from './schema/schema-shape.ts';
import { isRecord, type EditableCategory } from './task-draft.ts';

/** Props of one component's card in the editor. */
export interface ComponentCardProps {
  category: EditableCategory;
  component: Component;
  /** Its kind; undefined when the server no longer knows it. */
  kind: ComponentKind | undefined;
  /** "Job 1", "Action 2", "Series". */
  title: string;
  pointer: string;
  issueAt: (path: string) => string | undefined;
  onChange: (component: Component) => void;
  onRemove: () => void;
  /** Moves it up (-1) or down (+1); absent where order does not matter. */
  onMove?: ((delta: -1 | 1) => void) | undefined;
  isFirst: boolean;
  isLast: boolean;
  /** Just added: its heading takes the focus. */
  focusOnMount: boolean;
  /** Stable across moves: names the move buttons, so the focus can follow a moved card. */
  domKey: string;
}

/** One job, action or series source: its id, its config form and its extras. */
export function ComponentCard(props: ComponentCardProps) {
  const { category, component, kind, title, pointer, issueAt, onChange } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (props.focusOnMount) heading.current?.focus();
  }, [props.focusOnMount]);
  const config = (value: Record<string, unknown>) => onChange({ ...component, config: value });
  return (
    <section className="card component-card" aria-labelledby={`${fieldId(pointer)}-title`}>
      <h3 id={`${fieldId(pointer)}-title`} ref={heading} tabIndex={-1}>
        {title}: {kind?.title ?? component.kind} <span className="muted">({component.kind})</span>
      </h3>
      <ComponentNotes component={component} kind={kind} />
      <ComponentIdField {...props} />
      {kind ? (
        <SchemaForm
          schema={kind.configSchema}
          value={component.config}
          onChange={config}
          pointer={`${pointer}/config`}
          issueAt={issueAt}
        />
      ) : (
        <JsonTextArea
          id={fieldId(`${pointer}/config`)}
          label="Configuration (JSON)"
          value={component.config}
          onChange={(value) => config(isRecord(value) ? value : {})}
          error={issueAt(`${pointer}/config`)}
        />
      )}
      {category === 'job' ? <JobConditionField {...props} /> : null}
      {category === 'action' ? <ActionQualificationField {...props} /> : null}
      <ComponentButtons {...props} />
    </section>
  );
}

/** What the user should know before editing: an unknown kind, or a permission they lack. */
function ComponentNotes({
  component,
  kind,
}: {
  component: Component;
  kind: ComponentKind | undefined;
}) {
  if (!kind)
    return (
      <p className="warning">
        This server does not know the kind “{component.kind}”: its config is shown as JSON.
      </p>
    );
  if (kind.allowed) return null;
  return (
    <p className="warning">
      You do not hold the permission <code>{kind.permission}</code>; it fails unless the task's
      owner holds it when the task runs.
    </p>
  );
}

/** The component's id, which placeholders such as {job.report.rows} name. */
function ComponentIdField({ component, pointer, issueAt, onChange, category }: ComponentCardProps) {
  const path = `${pointer}/id`;
  const id = fieldId(path);
  const error = issueAt(path);
  const help =
    category === 'job'
      ? 'Letters, digits, _ and -. Actions name it in placeholders: {job.<id>.exitCode}.'
      : 'Letters, digits, _ and -.';
  return (
    <Field id={id} label="Id" help={help} error={error}>
      {(control) => (
        <input
          {...control}
          type="text"
          value={component.id ?? ''}
          onChange={(event) => {
            const { id: _old, ...rest } = component;
            onChange(event.target.value === '' ? rest : { ...rest, id: event.target.value });
          }}
        />
      )}
    </Field>
  );
}

/** Move up, move down, remove; each names the component for screen readers. */
function ComponentButtons({
  title,
  onMove,
  onRemove,
  isFirst,
  isLast,
  domKey,
}: ComponentCardProps) {
  const named = (verb: string) => (
    <>
      {verb}
      <span className="visually-hidden"> {title}</span>
    </>
  );
  return (
    <div className="component-buttons">
      {onMove ? (
        <>
          {/* aria-disabled rather than disabled: a moved card keeps the focus on its button. */}
          <button
            type="button"
            id={`move-${domKey}-up`}
            aria-disabled={isFirst}
            onClick={() => !isFirst && onMove(-1)}
          >
            {named('Move up')}
          </button>
          <button
            type="button"
            id={`move-${domKey}-down`}
            aria-disabled={isLast}
            onClick={() => !isLast && onMove(1)}
          >
            {named('Move down')}
          </button>
        </>
      ) : null}
      <button type="button" className="danger" onClick={onRemove}>
        {named('Remove')}
      </button>
    </div>
  );
}
