import { useMemo } from 'react';
import { PolicyFields } from '../components/PolicyFields.tsx';
import { Field } from '../components/Field.tsx';
import { browserZone, fromLocalInput, timeZones, toLocalInput } from './format.ts';
import type { TaskDraft } from './task-draft.ts';

/** Props of the General tab. */
export interface TaskGeneralTabProps {
  draft: TaskDraft;
  onChange: (change: Partial<TaskDraft>) => void;
  issueAt: (path: string) => string | undefined;
}

/** Name, description, switch, time zone, end, and policies. */
export function TaskGeneralTab({ draft, onChange, issueAt }: TaskGeneralTabProps) {
  return (
    <>
      <NameField draft={draft} onChange={onChange} issueAt={issueAt} />
      <DescriptionField draft={draft} onChange={onChange} issueAt={issueAt} />
      <Field
        id="task-enabled"
        label="Enabled: its triggers start it"
        error={issueAt('/enabled')}
        inline
      >
        {(control) => (
          <input
            {...control}
            type="checkbox"
            checked={draft.enabled}
            onChange={(event) => onChange({ enabled: event.target.checked })}
          />
        )}
      </Field>
      <TimeZoneField draft={draft} onChange={onChange} issueAt={issueAt} />
      <ExpiresField draft={draft} onChange={onChange} issueAt={issueAt} />
      <PolicyFields
        policy={draft.policy}
        onChange={(policy) => onChange({ policy })}
        issueAt={issueAt}
      />
    </>
  );
}

function NameField({ draft, onChange, issueAt }: TaskGeneralTabProps) {
  const error = issueAt('/name');
  return (
    <Field id="task-name" label="Name" error={error}>
      {(control) => (
        <input
          {...control}
          type="text"
          value={draft.name}
          maxLength={200}
          onChange={(event) => onChange({ name: event.target.value })}
        />
      )}
    </Field>
  );
}

function DescriptionField({ draft, onChange, issueAt }: TaskGeneralTabProps) {
  const error = issueAt('/description');
  return (
    <Field id="task-description" label="Description" error={error}>
      {(control) => (
        <textarea
          {...control}
          rows={3}
          value={draft.description}
          onChange={(event) => onChange({ description: event.target.value })}
        />
      )}
    </Field>
  );
}

function TimeZoneField({ draft, onChange, issueAt }: TaskGeneralTabProps) {
  const zones = useMemo(() => timeZones(draft.timezone), [draft.timezone]);
  const error = issueAt('/timezone');
  return (
    <Field
      id="task-timezone"
      label="Time zone"
      help={`Schedules without a zone of their own use it. Yours is ${browserZone}.`}
      error={error}
    >
      {(control) => (
        <select
          {...control}
          value={draft.timezone}
          onChange={(event) => onChange({ timezone: event.target.value })}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function ExpiresField({ draft, onChange, issueAt }: TaskGeneralTabProps) {
  const error = issueAt('/expiresAt');
  return (
    <Field
      id="task-expires"
      label={`Ends at (your time, ${browserZone})`}
      help="Nothing starts it by schedule after this. Empty: never ends."
      error={error}
    >
      {(control) => (
        <input
          {...control}
          type="datetime-local"
          value={toLocalInput(draft.expiresAt)}
          onChange={(event) => onChange({ expiresAt: fromLocalInput(event.target.value) })}
        />
      )}
    </Field>
  );
}
