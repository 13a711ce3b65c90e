import { useId } from 'react';
import type { ScheduleIssueAt } from './schedule-types.ts';

/** "Every [N] weeks": the step of an interval; left empty it is 1. */
export function EveryField({
  every,
  unit,
  issueAt,
  onChange,
}: {
  every: number | undefined;
  unit: string;
  issueAt: ScheduleIssueAt;
  onChange: (every: number | undefined) => void;
}) {
  const id = useId();
  const error = issueAt('/every');
  return (
    <div className="field every-field">
      <div className="every-row">
        <label htmlFor={id}>Every</label>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          step={1}
          value={every ?? ''}
          placeholder="1"
          aria-describedby={`${id}-unit${error ? ` ${id}-error` : ''}`}
          {...(error ? { 'aria-invalid': true } : {})}
          onChange={(event) =>
            onChange(event.target.value === '' ? undefined : Number(event.target.value))
          }
        />
        <span id={`${id}-unit`}>{unit}</span>
      </div>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
