import { useId } from 'react';
import { Field } from '../components/Field.tsx';
import { withOptional } from './list-edits.ts';
import type { Schedule, ScheduleIssueAt } from './schedule-types.ts';

const ZONES = Intl.supportedValuesOf('timeZone');

/** When a schedule starts and ends, and the zone its wall-clock times are read in. */
export function ScheduleFrame({
  schedule,
  taskZone,
  issueAt,
  onChange,
}: {
  schedule: Schedule;
  taskZone: string;
  issueAt: ScheduleIssueAt;
  onChange: (schedule: Schedule) => void;
}) {
  const zonesId = useId();
  return (
    <fieldset className="group schedule-frame">
      <legend>Start, end and time zone</legend>
      <Field
        label="Starts"
        help="Nothing fires before it; every N days or weeks is counted from it."
        error={issueAt('/start')}
      >
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            aria-required
            value={schedule.start}
            onChange={(event) => onChange({ ...schedule, start: event.target.value })}
          />
        )}
      </Field>
      <Field label="Ends (optional)" help="Nothing fires after it." error={issueAt('/end')}>
        {(control) => (
          <input
            {...control}
            type="datetime-local"
            value={schedule.end ?? ''}
            onChange={(event) =>
              onChange(withOptional(schedule, 'end', event.target.value || undefined))
            }
          />
        )}
      </Field>
      <Field
        label="Schedule’s time zone"
        help={`Empty: the task’s zone${taskZone ? ` (${taskZone})` : ''}.`}
        error={issueAt('/timezone')}
      >
        {(control) => (
          <input
            {...control}
            list={zonesId}
            autoComplete="off"
            spellCheck={false}
            placeholder={taskZone || 'the task’s zone'}
            value={schedule.timezone ?? ''}
            onChange={(event) =>
              onChange(withOptional(schedule, 'timezone', event.target.value.trim() || undefined))
            }
          />
        )}
      </Field>
      <datalist id={zonesId}>
        {ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </fieldset>
  );
}
