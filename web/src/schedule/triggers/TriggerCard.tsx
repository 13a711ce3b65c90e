import { useEffect, useId, useRef, useState } from 'react';
import type { Component, ComponentKind } from '../../types.ts';
import { TriggerConfigForm } from './TriggerConfigForm.tsx';

/** One trigger of the task: its kind, its settings, and a way to remove it. */
export function TriggerCard({
  trigger,
  number,
  kind,
  taskZone,
  issueAt,
  focusOnMount,
  onChange,
  onRemove,
}: {
  trigger: Component;
  number: number;
  kind: ComponentKind | undefined;
  taskZone: string;
  /** The API's message by path inside this trigger (e.g. /config/start). */
  issueAt: (path: string) => string | undefined;
  /** Set on a trigger just added, so keyboard users land on it. */
  focusOnMount: boolean;
  onChange: (trigger: Component) => void;
  onRemove: () => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [asJson, setAsJson] = useState(false);
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, [focusOnMount]);
  const title = kind?.title ?? trigger.kind;
  return (
    <section className="card trigger-card" aria-labelledby={headingId}>
      <div className="trigger-head">
        <h3 id={headingId} ref={heading} tabIndex={-1}>
          {number}. {title}
        </h3>
        <button type="button" aria-pressed={asJson} onClick={() => setAsJson(!asJson)}>
          Edit as JSON
        </button>
        <button type="button" onClick={onRemove} aria-label={`Remove trigger ${number} (${title})`}>
          Remove
        </button>
      </div>
      {kind ? (
        <p className="muted trigger-about">{kind.description}</p>
      ) : (
        <p className="field-error">This server does not know the trigger kind “{trigger.kind}”.</p>
      )}
      {kind && !kind.allowed && (
        <p className="field-error">
          You lack the permission {kind.permission}, which this kind of trigger needs.
        </p>
      )}
      {issueAt('/kind') && <p className="field-error">{issueAt('/kind')}</p>}
      <TriggerConfigForm
        // Remounted on a switch, so the JSON text starts from the form's latest config.
        key={asJson ? 'json' : 'form'}
        kind={kind}
        kindName={trigger.kind}
        taskZone={taskZone}
        asJson={asJson}
        config={trigger.config}
        pointer={`/triggers/${number - 1}/config`}
        issueAt={(path) => issueAt(`/config${path}`)}
        onChange={(config) => onChange({ ...trigger, config })}
      />
    </section>
  );
}
