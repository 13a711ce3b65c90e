import {
  dateOfEpochDay,
  daysInMonth,
  epochDay,
  isoWeekday,
  mondayOf,
  monthIndex,
  monthOfIndex,
} from '../calendar.ts';

/** Which days an interval fires on. */
export interface DayRule {
  /** The first matching epoch day on or after the given one; null when there is none. */
  nextDay(day: number): number | null;
}

/** The last epoch day the module computes (9999-12-31). */
const LAST_DAY = 2932896;
/** Months to look through for a match before concluding there is none. */
const MONTH_SEARCH_LIMIT = 400;

/** Every N days, counted from the start's date. */
export function everyNDays(every: number, startDay: number): DayRule {
  return {
    nextDay(day) {
      if (day <= startDay) return startDay;
      const next = startDay + Math.ceil((day - startDay) / every) * every;
      return next > LAST_DAY ? null : next;
    },
  };
}

/** Every N weeks (counted from the start's week, weeks begin on Monday) on the given ISO weekdays. */
export function everyNWeeks(every: number, weekdays: readonly number[], startDay: number): DayRule {
  const sorted = [...new Set(weekdays)].sort((a, b) => a - b);
  const firstMonday = mondayOf(startDay);
  return {
    nextDay(from) {
      let day = Math.max(from, startDay);
      while (day <= LAST_DAY) {
        const week = Math.floor((mondayOf(day) - firstMonday) / 7);
        if (week % every !== 0) {
          day = firstMonday + (Math.floor(week / every) + 1) * every * 7;
          continue;
        }
        const weekday = isoWeekday(day);
        const match = sorted.find((wanted) => wanted >= weekday);
        if (match !== undefined) return day + (match - weekday);
        day = mondayOf(day) + 7;
      }
      return null;
    },
  };
}

/** The n-th (1..5, or -1..-5 from the end) ISO weekday of a month, if the month has it. */
function nthWeekdayOfMonth(
  year: number,
  month: number,
  weekday: number,
  nth: number,
): number | null {
  const length = daysInMonth(year, month);
  if (nth > 0) {
    const first = 1 + ((weekday - isoWeekday(epochDay({ year, month, day: 1 })) + 7) % 7);
    const day = first + (nth - 1) * 7;
    return day <= length ? day : null;
  }
  const last = length - ((isoWeekday(epochDay({ year, month, day: length })) - weekday + 7) % 7);
  const day = last + (nth + 1) * 7;
  return day >= 1 ? day : null;
}

/** Which days of a month match: days of the month (negative from the end) and n-th weekdays. */
export interface MonthDays {
  days: readonly number[];
  weekdays: ReadonlyArray<{ weekday: number; nth: number }>;
}

function matchingDays(year: number, month: number, wanted: MonthDays): number[] {
  const length = daysInMonth(year, month);
  const found = new Set<number>();
  for (const day of wanted.days) {
    const resolved = day > 0 ? day : length + 1 + day;
    // A day the month lacks (the 31st in April) is skipped, not moved, as RFC 5545 says.
    if (resolved >= 1 && resolved <= length) found.add(resolved);
  }
  for (const { weekday, nth } of wanted.weekdays) {
    const day = nthWeekdayOfMonth(year, month, weekday, nth);
    if (day !== null) found.add(day);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * matchingDays, remembered by month length when only days of the month are wanted
 * (then nothing else about the month matters).
 */
function matchingDaysCache(wanted: MonthDays): (year: number, month: number) => number[] {
  if (wanted.weekdays.length > 0) return (year, month) => matchingDays(year, month, wanted);
  const byLength = new Map<number, number[]>();
  return (year, month) => {
    const length = daysInMonth(year, month);
    let days = byLength.get(length);
    if (!days) byLength.set(length, (days = matchingDays(year, month, wanted)));
    return days;
  };
}

/** The next month after index that is one of the wanted months (any month when there is no list). */
function nextWantedMonth(index: number, wanted: readonly number[] | null): number {
  if (!wanted) return index + 1;
  const { year, month } = monthOfIndex(index);
  const later = wanted.find((candidate) => candidate > month);
  return later === undefined ? monthIndex(year + 1, wanted[0] ?? 1) : monthIndex(year, later);
}

/** A cycle of months: every N months from the start's month, or every N years from the start's year. */
export interface MonthCycle {
  every: number;
  unit: 'month' | 'year';
}

/**
 * Months of the cycle (only the given months, if any), on the matching days. A yearly
 * cycle looks at every month of an aligned year, so "every 2 years in June" works
 * whatever month the start is in.
 */
export function everyNMonths(
  cycle: MonthCycle,
  months: ReadonlySet<number> | null,
  wanted: MonthDays,
  startDay: number,
): DayRule {
  const start = dateOfEpochDay(startDay);
  const firstMonth = monthIndex(start.year, start.month);
  const inCycle = (index: number) => {
    const { year } = monthOfIndex(index);
    const offset = cycle.unit === 'month' ? index - firstMonth : year - start.year;
    return offset % cycle.every === 0;
  };
  /** The next month index worth looking at after one that is not in the cycle. */
  const nextInCycle = (index: number) => {
    if (cycle.unit === 'month') return index + cycle.every - ((index - firstMonth) % cycle.every);
    const { year } = monthOfIndex(index);
    const nextYear = year + cycle.every - ((year - start.year) % cycle.every);
    return monthIndex(nextYear, 1);
  };
  const wantedMonths = months ? [...months].sort((a, b) => a - b) : null;
  const daysOf = matchingDaysCache(wanted);
  return {
    nextDay(from) {
      const date = dateOfEpochDay(Math.max(from, startDay));
      let index = monthIndex(date.year, date.month);
      let minDay = date.day;
      for (let searched = 0; searched < MONTH_SEARCH_LIMIT; searched++) {
        if (!inCycle(index)) {
          index = nextInCycle(index);
          minDay = 1;
          continue;
        }
        const { year, month } = monthOfIndex(index);
        if (year > 9999) return null;
        const day =
          months && !months.has(month)
            ? undefined
            : daysOf(year, month).find((candidate) => candidate >= minDay);
        if (day !== undefined) return epochDay({ year, month, day });
        index = cycle.unit === 'month' ? index + cycle.every : nextWantedMonth(index, wantedMonths);
        minDay = 1;
      }
      return null;
    },
  };
}
