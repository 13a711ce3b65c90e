import { useId } from 'react';
import { Field, FieldGroup } from '../components/Field.tsx';
import { removedAt, replacedAt, withOptional } from './list-edits.ts';
import type { CalendarInterval, DayRepeat, ScheduleIssueAt } from './schedule-types.ts';
import { ordinal } from './ordinal.ts';

const DEFAULT_REPEAT: DayRepeat = { every: 1, unit: 'hours', from: '08:00', until: '18:00' };

/** When in the day a calendar interval fires: listed times, or a repetition within a window. */
export function TimesOfDayFields({
  interval,
  start,
  issueAt,
  onChange,
}: {
  interval: CalendarInterval;
  start: string;
  issueAt: ScheduleIssueAt;
  onChange: (interval: CalendarInterval) => void;
}) {
  const name = useId();
  const repeating = interval.repeat !== undefined;
  const chooseTimes = () =>
    onChange(withOptional(withOptional(interval, 'repeat', undefined), 'times', ['09:00']));
  const chooseRepeat = () =>
    onChange(withOptional(withOptional(interval, 'times', undefined), 'repeat', DEFAULT_REPEAT));
  return (
    <FieldGroup legend="Time of day" className="times-of-day">
      <div className="radio-row">
        <label className="check">
          <input type="radio" name={name} checked={!repeating} onChange={chooseTimes} />
          <span>At set times</span>
        </label>
        <label className="check">
          <input type="radio" name={name} checked={repeating} onChange={chooseRepeat} />
          <span>Repeatedly during the day</span>
        </label>
      </div>
      {interval.repeat ? (
        <RepeatFields
          repeat={interval.repeat}
          issueAt={(path) => issueAt(`/repeat${path}`)}
          onChange={(repeat) => onChange({ ...interval, repeat })}
        />
      ) : (
        <TimeList
          times={interval.times ?? []}
          startTime={start.slice(11, 16)}
          issueAt={issueAt}
          onChange={(times) => onChange(withOptional(interval, 'times', times))}
        />
      )}
    </FieldGroup>
  );
}

function TimeList({
  times,
  startTime,
  issueAt,
  onChange,
}: {
  times: string[];
  startTime: string;
  issueAt: ScheduleIssueAt;
  onChange: (times: string[]) => void;
}) {
  return (
    <div className="time-list">
      {times.map((time, index) => (
        <div className="time-row" key={index}>
          <Field label={`Time ${index + 1}`} error={issueAt(`/times/${index}`)}>
            {(control) => (
              <input
                {...control}
                type="time"
                step={time.length > 5 ? 1 : 60}
                value={time}
                onChange={(event) => onChange(replacedAt(times, index, event.target.value))}
              />
            )}
          </Field>
          <button
            type="button"
            aria-label={`Remove the ${ordinal(index + 1)} time`}
            onClick={() => onChange(removedAt(times, index))}
          >
            Remove
          </button>
        </div>
      ))}
      {times.length === 0 && (
        <p className="muted">No times: at the start’s time ({startTime || '?'}).</p>
      )}
      {issueAt('/times') && !times.some((_t, index) => issueAt(`/times/${index}`)) && (
        <p className="field-error">{issueAt('/times')}</p>
      )}
      <button type="button" onClick={() => onChange([...times, times.at(-1) ?? '09:00'])}>
        Add a time
      </button>
    </div>
  );
}

function RepeatFields({
  repeat,
  issueAt,
  onChange,
}: {
  repeat: DayRepeat;
  issueAt: ScheduleIssueAt;
  onChange: (repeat: DayRepeat) => void;
}) {
  return (
    <div className="repeat-fields">
      <Field label="Repeat every" error={issueAt('/every')}>
        {(control) => (
          <input
            {...control}
            type="number"
            value={Number.isNaN(repeat.every) ? '' : repeat.every}
            onChange={(event) => onChange({ ...repeat, every: Number(event.target.value || NaN) })}
          />
        )}
      </Field>
      <Field label="Unit" error={issueAt('/unit')}>
        {(control) => (
          <select
            {...control}
            value={repeat.unit}
            onChange={(event) =>
              onChange({ ...repeat, unit: event.target.value as DayRepeat['unit'] })
            }
          >
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
          </select>
        )}
      </Field>
      <Field label="From" error={issueAt('/from')}>
        {(control) => (
          <input
            {...control}
            type="time"
            value={repeat.from}
            onChange={(event) => onChange({ ...repeat, from: event.target.value })}
          />
        )}
      </Field>
      <Field label="Until (included)" error={issueAt('/until')}>
        {(control) => (
          <input
            {...control}
            type="time"
            value={repeat.until}
            onChange={(event) => onChange({ ...repeat, until: event.target.value })}
          />
        )}
      </Field>
    </div>
  );
}
