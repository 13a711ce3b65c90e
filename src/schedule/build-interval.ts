import type { FieldIssue } from '../domain/errors.ts';
import { epochDay, isoWeekday, WEEKDAY_NUMBERS } from './calendar.ts';
import { calendarSource, listedTimes } from './intervals/calendar-source.ts';
import { everyNDays, everyNMonths, everyNWeeks, type MonthDays } from './intervals/day-rules.ts';
import { elapsedSource } from './intervals/elapsed.ts';
import { onceSource } from './intervals/once.ts';
import type { OccurrenceSource, ScheduleContext } from './occurrence-source.ts';
import { parseDateTime } from './parse-text.ts';
import type { IntervalInput } from './schedule-schema.ts';
import { timesOfDay, type TimesOfDayInput } from './times-of-day.ts';

type MonthlyInput = Extract<IntervalInput, { kind: 'months' | 'years' }>;

/** The days of the month an interval names, defaulting to the start's day. */
function monthDays(input: MonthlyInput, context: ScheduleContext): MonthDays {
  const weekdays = (input.weekdays ?? []).map(({ weekday, nth }) => ({
    weekday: WEEKDAY_NUMBERS[weekday] ?? 1,
    nth,
  }));
  const days = input.days ?? (weekdays.length === 0 ? [context.start.day] : []);
  return { days, weekdays };
}

/** Builds the source of one calendar or elapsed-time interval; cron and rrule come from their own builders. */
export function buildCalendarInterval(
  input: Exclude<IntervalInput, { kind: 'cron' | 'rrule' }>,
  context: ScheduleContext,
  path: string,
  issues: FieldIssue[],
): OccurrenceSource {
  const startDay = epochDay(context.start);
  const every = 'every' in input ? (input.every ?? 1) : 1;
  const times = (timed: TimesOfDayInput) =>
    listedTimes(timesOfDay(timed, context.start, path, issues));
  switch (input.kind) {
    case 'minutes':
      return elapsedSource(every * 60_000, context);
    case 'hours':
      return elapsedSource(every * 3_600_000, context);
    case 'once':
      return onceSource(parseDateTime(input.at, `${path}/at`, issues), context);
    case 'days':
      return calendarSource(everyNDays(every, startDay), times(input), context);
    case 'weeks': {
      const weekdays = (input.weekdays ?? []).map((code) => WEEKDAY_NUMBERS[code] ?? 1);
      const rule = everyNWeeks(
        every,
        weekdays.length > 0 ? weekdays : [isoWeekday(startDay)],
        startDay,
      );
      return calendarSource(rule, times(input), context);
    }
    case 'months':
    case 'years': {
      const months = input.months ?? (input.kind === 'years' ? [context.start.month] : null);
      const cycle = { every, unit: input.kind === 'years' ? 'year' : 'month' } as const;
      const rule = everyNMonths(
        cycle,
        months && new Set(months),
        monthDays(input, context),
        startDay,
      );
      return calendarSource(rule, times(input), context);
    }
  }
}
