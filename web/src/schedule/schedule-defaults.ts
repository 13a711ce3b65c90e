import type {
  CalendarInterval,
  Interval,
  IntervalKind,
  MonthDays,
  Schedule,
} from './schedule-types.ts';

const CALENDAR_KINDS: ReadonlySet<IntervalKind> = new Set(['days', 'weeks', 'months', 'years']);

/** Whether an interval fires at times of day (days, weeks, months, years). */
export function isCalendar(interval: Interval): interval is CalendarInterval {
  return CALENDAR_KINDS.has(interval.kind);
}

/** Today's date (YYYY-MM-DD) on the wall clock of a zone; the browser's zone if it is unknown. */
export function todayIn(timezone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone || undefined }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA').format(now);
  }
}

/** A new schedule: from today (in the task's zone), every day at 09:00. */
export function defaultSchedule(taskZone: string): Schedule {
  return {
    start: `${todayIn(taskZone)}T00:00`,
    intervals: [{ kind: 'days', every: 1, times: ['09:00'] }],
  };
}

/** The "every" of an interval, if its kind has one. */
function everyOf(interval: Interval | undefined): number | undefined {
  return interval && 'every' in interval ? interval.every : undefined;
}

/** The times of day to keep when the kind changes between calendar kinds. */
function timesOf(interval: Interval | undefined): Pick<CalendarInterval, 'times' | 'repeat'> {
  if (interval && isCalendar(interval)) {
    return {
      ...(interval.times ? { times: interval.times } : {}),
      ...(interval.repeat ? { repeat: interval.repeat } : {}),
    };
  }
  return { times: ['09:00'] };
}

/** The months and days to keep when the kind changes between months and years. */
function monthDaysOf(interval: Interval | undefined): MonthDays {
  if (interval?.kind !== 'months' && interval?.kind !== 'years') return {};
  const { months, days, weekdays } = interval;
  return {
    ...(months ? { months } : {}),
    ...(days ? { days } : {}),
    ...(weekdays ? { weekdays } : {}),
  };
}

/** An interval of a new kind, keeping what still applies of the previous one (every, times). */
export function intervalOfKind(
  kind: IntervalKind,
  previous: Interval | undefined,
  start: string,
): Interval {
  const every = everyOf(previous) ?? 1;
  switch (kind) {
    case 'minutes':
    case 'hours':
      return { kind, every };
    case 'days':
    case 'weeks':
      return { kind, every, ...timesOf(previous) };
    case 'months':
    case 'years':
      return { kind, every, ...monthDaysOf(previous), ...timesOf(previous) };
    case 'once':
      return { kind, at: start };
    case 'cron':
      return { kind, expression: '0 9 * * 1-5' };
    case 'rrule':
      return { kind, rrule: 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=12' };
  }
}
