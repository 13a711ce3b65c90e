import { EveryField } from './EveryField.tsx';
import { Field } from '../components/Field.tsx';
import { withOptional } from './list-edits.ts';
import { MonthDayFields } from './MonthDayFields.tsx';
import { EVERY_UNITS } from './schedule-vocabulary.ts';
import type { Interval, IntervalOf, ScheduleIssueAt } from './schedule-types.ts';
import { TimesOfDayFields } from './TimesOfDayFields.tsx';
import { WeekdayChecks } from './WeekdayChecks.tsx';

interface FieldsProps<I extends Interval> {
  interval: I;
  start: string;
  issueAt: ScheduleIssueAt;
  onChange: (interval: I) => void;
}

/** The fields of one interval, by its kind. */
export function IntervalFields(props: FieldsProps<Interval>) {
  const { interval, issueAt, onChange } = props;
  switch (interval.kind) {
    case 'once':
      return <OnceFields {...props} interval={interval} onChange={onChange} />;
    case 'cron':
      return <CronFields {...props} interval={interval} onChange={onChange} />;
    case 'rrule':
      return <RruleFields {...props} interval={interval} onChange={onChange} />;
    case 'minutes':
    case 'hours':
      return (
        <>
          <EveryField
            every={interval.every}
            unit={EVERY_UNITS[interval.kind] ?? ''}
            issueAt={issueAt}
            onChange={(every) => onChange(withOptional(interval, 'every', every))}
          />
          <p className="muted">
            Counted in elapsed time from the start, so the spacing holds when the clocks change.
          </p>
        </>
      );
    default:
      return <CalendarFields {...props} interval={interval} onChange={onChange} />;
  }
}

/** Days, weeks, months and years: every N, on which days, at which times. */
function CalendarFields({
  interval,
  start,
  issueAt,
  onChange,
}: FieldsProps<IntervalOf<'days' | 'weeks' | 'months' | 'years'>>) {
  return (
    <>
      <EveryField
        every={interval.every}
        unit={EVERY_UNITS[interval.kind] ?? ''}
        issueAt={issueAt}
        onChange={(every) => onChange(withOptional(interval, 'every', every))}
      />
      {interval.kind === 'weeks' && (
        <WeekdayChecks
          weekdays={interval.weekdays}
          start={start}
          issueAt={issueAt}
          onChange={(weekdays) => onChange(withOptional(interval, 'weekdays', weekdays))}
        />
      )}
      {(interval.kind === 'months' || interval.kind === 'years') && (
        <MonthDayFields interval={interval} start={start} issueAt={issueAt} onChange={onChange} />
      )}
      <TimesOfDayFields interval={interval} start={start} issueAt={issueAt} onChange={onChange} />
    </>
  );
}

function OnceFields({ interval, issueAt, onChange }: FieldsProps<IntervalOf<'once'>>) {
  return (
    <Field label="At" error={issueAt('/at')}>
      {(control) => (
        <input
          {...control}
          type="datetime-local"
          value={interval.at}
          onChange={(event) => onChange({ ...interval, at: event.target.value })}
        />
      )}
    </Field>
  );
}

/** A one-line expression in a fixed-width font, with the API's error about it. */
function ExpressionField({
  label,
  help,
  error,
  value,
  onChange,
}: {
  label: string;
  help: string;
  error: string | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} help={help} error={error}>
      {(control) => (
        <input
          {...control}
          className="mono"
          spellCheck={false}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

function CronFields({ interval, issueAt, onChange }: FieldsProps<IntervalOf<'cron'>>) {
  return (
    <ExpressionField
      label="Cron expression"
      help="5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; L, W, # and @daily work. Day of month and day of week combine with OR."
      error={issueAt('/expression')}
      value={interval.expression}
      onChange={(expression) => onChange({ ...interval, expression })}
    />
  );
}

function RruleFields({ interval, issueAt, onChange }: FieldsProps<IntervalOf<'rrule'>>) {
  return (
    <ExpressionField
      label="RRULE"
      help="An RFC 5545 rule such as FREQ=MONTHLY;BYDAY=-1FR;COUNT=12 (with COUNT or UNTIL); the schedule’s start is its DTSTART."
      error={issueAt('/rrule')}
      value={interval.rrule}
      onChange={(rrule) => onChange({ ...interval, rrule })}
    />
  );
}
