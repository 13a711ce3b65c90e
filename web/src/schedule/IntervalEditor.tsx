import { Field } from '../components/Field.tsx';
import { intervalOfKind } from './schedule-defaults.ts';
import { INTERVAL_KIND_LABELS } from './schedule-vocabulary.ts';
import type { Interval, IntervalKind, ScheduleIssueAt } from './schedule-types.ts';
import { IntervalFields } from './IntervalFields.tsx';
import { ordinal } from './ordinal.ts';

const KINDS = Object.keys(INTERVAL_KIND_LABELS) as IntervalKind[];

/** One interval of a schedule: its kind, and the fields of that kind. */
export function IntervalEditor({
  interval,
  number,
  start,
  issueAt,
  onChange,
  onRemove,
}: {
  interval: Interval;
  number: number;
  start: string;
  issueAt: ScheduleIssueAt;
  onChange: (interval: Interval) => void;
  /** Absent for the only interval: a schedule needs one. */
  onRemove: (() => void) | undefined;
}) {
  return (
    <fieldset className="interval card">
      <legend>Interval {number}</legend>
      <div className="interval-head">
        <Field label="Repeats" error={issueAt('/kind')}>
          {(control) => (
            <select
              {...control}
              value={interval.kind}
              onChange={(event) =>
                onChange(intervalOfKind(event.target.value as IntervalKind, interval, start))
              }
            >
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {INTERVAL_KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {onRemove && (
          <button
            type="button"
            onClick={onRemove}
            aria-label={`Remove the ${ordinal(number)} interval`}
          >
            Remove interval
          </button>
        )}
      </div>
      <IntervalFields interval={interval} start={start} issueAt={issueAt} onChange={onChange} />
    </fieldset>
  );
}
