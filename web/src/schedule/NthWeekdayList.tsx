import { Field } from '../components/Field.tsx';
import { removedAt, replacedAt } from './list-edits.ts';
import { NTH_CHOICES, WEEKDAYS } from './schedule-vocabulary.ts';
import type { NthWeekday, ScheduleIssueAt, WeekdayCode } from './schedule-types.ts';
import { ordinal } from './ordinal.ts';

/** Weekdays of the month such as "the first Monday" or "the last Friday". */
export function NthWeekdayList({
  weekdays,
  issueAt,
  onChange,
}: {
  weekdays: NthWeekday[];
  issueAt: ScheduleIssueAt;
  onChange: (weekdays: NthWeekday[]) => void;
}) {
  return (
    <fieldset className="group nth-weekdays">
      <legend>On weekdays of the month</legend>
      {weekdays.map((entry, index) => (
        <NthWeekdayRow
          key={index}
          entry={entry}
          number={index + 1}
          issueAt={(path) => issueAt(`/weekdays/${index}${path}`)}
          onChange={(next) => onChange(replacedAt(weekdays, index, next))}
          onRemove={() => onChange(removedAt(weekdays, index))}
        />
      ))}
      <button type="button" onClick={() => onChange([...weekdays, { nth: 1, weekday: 'MO' }])}>
        Add a weekday of the month
      </button>
    </fieldset>
  );
}

function NthWeekdayRow({
  entry,
  number,
  issueAt,
  onChange,
  onRemove,
}: {
  entry: NthWeekday;
  number: number;
  issueAt: (path: string) => string | undefined;
  onChange: (entry: NthWeekday) => void;
  onRemove: () => void;
}) {
  const known = NTH_CHOICES.some((choice) => choice.nth === entry.nth);
  return (
    <div className="nth-row">
      <Field label={`Which (${number})`} error={issueAt('/nth')}>
        {(control) => (
          <select
            {...control}
            value={entry.nth}
            onChange={(event) => onChange({ ...entry, nth: Number(event.target.value) })}
          >
            {NTH_CHOICES.map((choice) => (
              <option key={choice.nth} value={choice.nth}>
                {choice.name}
              </option>
            ))}
            {!known && <option value={entry.nth}>{entry.nth}</option>}
          </select>
        )}
      </Field>
      <Field label={`Weekday (${number})`} error={issueAt('/weekday')}>
        {(control) => (
          <select
            {...control}
            value={entry.weekday}
            onChange={(event) => onChange({ ...entry, weekday: event.target.value as WeekdayCode })}
          >
            {WEEKDAYS.map((day) => (
              <option key={day.code} value={day.code}>
                {day.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button
        type="button"
        aria-label={`Remove the ${ordinal(number)} weekday of the month`}
        onClick={onRemove}
      >
        Remove
      </button>
    </div>
  );
}
