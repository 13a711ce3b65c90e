import { Field } from '../components/Field.tsx';
import { JsonTextArea } from './JsonTextArea.tsx';
import type { Component } from '../types.ts';
import { fieldId } from './schema/schema-shape.ts';
import { isRecord } from './task-draft.ts';

type Qualification = NonNullable<Component['qualification']>;

const QUALIFICATIONS: Array<[Qualification, string]> = [
  ['always', 'Always, with all results'],
  ['all-valid', 'Only if every job succeeded and every result is valid'],
  ['any-valid', 'If any result is valid, with the valid ones'],
  ['none-valid', 'Only if no result is valid'],
];

/** A job's condition: JSON the job reads to decide whether its results are valid. */
export function JobConditionField(props: {
  component: Component;
  pointer: string;
  onChange: (component: Component) => void;
  issueAt: (path: string) => string | undefined;
}) {
  const { component, pointer, onChange, issueAt } = props;
  const path = `${pointer}/condition`;
  return (
    <JsonTextArea
      id={fieldId(path)}
      label="Condition (JSON)"
      help='Decides whether the results count as valid, e.g. {"expression": "exitCode == 0"} on the outputs the job publishes, or {"hasRows": true} for a SQL report. Empty: none.'
      value={component.condition ?? undefined}
      onChange={(value) => onChange({ ...component, condition: isRecord(value) ? value : null })}
      error={issueAt(path)}
    />
  );
}

/** When an action runs, judged by the results it accepts. */
export function ActionQualificationField(props: {
  component: Component;
  pointer: string;
  onChange: (component: Component) => void;
  issueAt: (path: string) => string | undefined;
}) {
  const { component, pointer, onChange, issueAt } = props;
  const path = `${pointer}/qualification`;
  const id = fieldId(path);
  const error = issueAt(path);
  return (
    <Field id={id} label="Runs" error={error}>
      {(control) => (
        <select
          {...control}
          value={component.qualification ?? 'always'}
          onChange={(event) =>
            onChange({ ...component, qualification: event.target.value as Qualification })
          }
        >
          {QUALIFICATIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
