import type { ReactNode } from 'react';
import { Check, FieldGroup } from '../components/Field.tsx';
import { toggled, withOptional } from './list-edits.ts';
import { NthWeekdayList } from './NthWeekdayList.tsx';
import { dateParts, MONTH_NAMES } from './schedule-vocabulary.ts';
import type { IntervalOf, ScheduleIssueAt } from './schedule-types.ts';

type MonthlyInterval = IntervalOf<'months' | 'years'>;

const ascending = (a: number, b: number) => a - b;
/** Days of the month first, then the last day, then the days counted from the end. */
const byDay = (a: number, b: number) => (a > 0 && b > 0 ? a - b : b - a);
const DAYS = Array.from({ length: 31 }, (_v, index) => index + 1);

function dayName(day: number): string {
  if (day === -1) return 'Last day';
  return day > 0 ? `Day ${day}` : `Day ${-day} from the end`;
}

/** In which months, and on which days of them, a months or years interval fires. */
export function MonthDayFields({
  interval,
  start,
  issueAt,
  onChange,
}: {
  interval: MonthlyInterval;
  start: string;
  issueAt: ScheduleIssueAt;
  onChange: (interval: MonthlyInterval) => void;
}) {
  const startDate = dateParts(start);
  const noDays = !interval.days?.length && !interval.weekdays?.length;
  const monthsHint =
    interval.kind === 'years'
      ? `None ticked: the start’s month (${MONTH_NAMES[startDate.month - 1] ?? '?'}).`
      : 'None ticked: every month (or every N months, counted from the start).';
  return (
    <>
      <FieldGroup
        legend="In months"
        className="month-checks"
        error={issueAt('/months')}
        {...(interval.months?.length ? {} : { help: monthsHint })}
      >
        {MONTH_NAMES.map((name, index) => (
          <Check
            key={name}
            label={name}
            checked={interval.months?.includes(index + 1) ?? false}
            onChange={(on) =>
              onChange(
                withOptional(
                  interval,
                  'months',
                  toggled(interval.months, index + 1, on, ascending),
                ),
              )
            }
          />
        ))}
      </FieldGroup>
      <DayChecks
        days={interval.days}
        issueAt={issueAt}
        {...(noDays ? { help: `None chosen: day ${startDate.day} (the start’s day).` } : {})}
        onChange={(days) => onChange(withOptional(interval, 'days', days))}
      />
      <NthWeekdayList
        weekdays={interval.weekdays ?? []}
        issueAt={issueAt}
        onChange={(weekdays) => onChange(withOptional(interval, 'weekdays', weekdays))}
      />
    </>
  );
}

function DayChecks({
  days,
  help,
  issueAt,
  onChange,
}: {
  days: number[] | undefined;
  help?: string;
  issueAt: ScheduleIssueAt;
  onChange: (days: number[]) => void;
}) {
  // Days counted from the end other than the last come from JSON; they stay visible to be removable.
  const extra = (days ?? []).filter((day) => day < -1);
  const check = (day: number, label: ReactNode) => (
    <Check
      key={day}
      label={label}
      checked={days?.includes(day) ?? false}
      onChange={(on) => onChange(toggled(days, day, on, byDay))}
    />
  );
  return (
    <FieldGroup
      legend="On days of the month"
      className="day-checks"
      error={issueAt('/days')}
      {...(help ? { help: `${help} A day a month lacks (the 31st in April) is skipped.` } : {})}
    >
      {DAYS.map((day) =>
        check(
          day,
          // A bare number would be read out without saying what it counts.
          <>
            <span className="visually-hidden">Day </span>
            {day}
          </>,
        ),
      )}
      {check(-1, dayName(-1))}
      {extra.map((day) => check(day, dayName(day)))}
    </FieldGroup>
  );
}
