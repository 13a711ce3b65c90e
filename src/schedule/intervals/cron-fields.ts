import {
  dateOfEpochDay,
  daysInMonth,
  epochDay,
  isoWeekday,
  monthIndex,
  monthOfIndex,
} from '../calendar.ts';
import type { TimesOfDay } from './calendar-source.ts';
import type { DayRule } from './day-rules.ts';

/** A cron expression in the plain syntax (numbers, lists, ranges, steps, names), as sets. */
export interface CronFields {
  /** The times of day it fires at. */
  times: TimesOfDay;
  /** Days of the month, or null for any. */
  days: ReadonlySet<number> | null;
  months: ReadonlySet<number> | null;
  /** ISO weekdays (1 = Monday … 7 = Sunday), or null for any. */
  weekdays: ReadonlySet<number> | null;
}

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The values of one field, or undefined when it uses syntax left to croner (L, W, #). */
function values(
  field: string,
  min: number,
  max: number,
  names: readonly string[] = [],
  base = min,
): number[] | undefined {
  const found = new Set<number>();
  const named = (token: string) => {
    const index = names.indexOf(token.toUpperCase());
    return index >= 0 ? String(index + base) : token;
  };
  for (const part of field.split(',')) {
    const match = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!match?.[1]) return undefined;
    const [range, step = '1'] = [match[1], match[2]];
    const [fromText, toText] =
      range === '*' || range === '?' ? [String(min), String(max)] : range.split('-');
    const from = Number(named(fromText ?? ''));
    const to = toText === undefined ? (match[2] === undefined ? from : max) : Number(named(toText));
    if (
      ![from, to, Number(step)].every(Number.isInteger) ||
      from < min ||
      to > max ||
      from > to ||
      Number(step) < 1
    ) {
      return undefined;
    }
    for (let value = from; value <= to; value += Number(step)) found.add(value);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Every combination of the hours, minutes and seconds (each ascending, not empty), found
 * field by field: '* * * * * *' would otherwise list 86,400 times, for each interval.
 */
function productTimes(
  hours: readonly number[],
  minutes: readonly number[],
  seconds: readonly number[],
): TimesOfDay {
  const [firstMinute = 0, firstSecond = 0] = [minutes[0], seconds[0]];
  const above = (values: readonly number[], value: number) => values.find((each) => each > value);
  return {
    first: hours[0] === undefined ? undefined : hours[0] * 3600 + firstMinute * 60 + firstSecond,
    after(second) {
      const [hour, minute] = [Math.floor(second / 3600), Math.floor((second % 3600) / 60)];
      if (hours.includes(hour)) {
        const laterSecond = minutes.includes(minute) ? above(seconds, second % 60) : undefined;
        if (laterSecond !== undefined) return hour * 3600 + minute * 60 + laterSecond;
        const laterMinute = above(minutes, minute);
        if (laterMinute !== undefined) return hour * 3600 + laterMinute * 60 + firstSecond;
      }
      const laterHour = above(hours, hour);
      return laterHour === undefined
        ? undefined
        : laterHour * 3600 + firstMinute * 60 + firstSecond;
    },
  };
}

/**
 * Reads a 5- or 6-field expression in the plain syntax; undefined for anything else,
 * which croner then computes. An unrestricted field ('*', '?') is null.
 */
export function parseCronFields(expression: string): CronFields | undefined {
  const text = NICKNAMES[expression.trim().toLowerCase()] ?? expression.trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return undefined;
  const [second = '0', minute = '', hour = '', day = '', month = '', weekday = ''] =
    fields.length === 6 ? fields : ['0', ...fields];
  const seconds = values(second, 0, 59);
  const minutes = values(minute, 0, 59);
  const hours = values(hour, 0, 23);
  const days = values(day, 1, 31);
  const months = values(month, 1, 12, MONTH_NAMES, 1);
  const weekdays = values(weekday, 0, 7, DAY_NAMES, 0);
  if (!seconds || !minutes || !hours || !days || !months || !weekdays) return undefined;
  // As croner reads it, only a bare * or ? leaves a field unrestricted (*/3 restricts).
  const any = (field: string) => field === '*' || field === '?';
  return {
    times: productTimes(hours, minutes, seconds),
    days: any(day) ? null : new Set(days),
    months: any(month) ? null : new Set(months),
    weekdays: any(weekday) ? null : new Set(weekdays.map((value) => (value === 0 ? 7 : value))),
  };
}

/** Months to search for a matching day before concluding there is none (30 years: Feb 29 on a weekday recurs within 28). */
const MONTH_SEARCH_LIMIT = 12 * 30;

/**
 * The days a cron expression fires on. When both day of month and day of week are
 * restricted, either may match (Vixie cron's OR), as croner does by default.
 */
export function cronDayRule(fields: CronFields, startDay: number): DayRule {
  const matches = (year: number, month: number, day: number) => {
    const dayMatches = fields.days?.has(day);
    const weekdayMatches = fields.weekdays?.has(isoWeekday(epochDay({ year, month, day })));
    if (fields.days && fields.weekdays) return dayMatches === true || weekdayMatches === true;
    return (dayMatches ?? true) && (weekdayMatches ?? true);
  };
  return {
    nextDay(from) {
      let date = dateOfEpochDay(Math.max(from, startDay));
      for (let searched = 0; searched < MONTH_SEARCH_LIMIT && date.year <= 9999; searched++) {
        if (!fields.months || fields.months.has(date.month)) {
          for (let day = date.day; day <= daysInMonth(date.year, date.month); day++) {
            if (matches(date.year, date.month, day))
              return epochDay({ year: date.year, month: date.month, day });
          }
        }
        date = { ...monthOfIndex(monthIndex(date.year, date.month) + 1), day: 1 };
      }
      return null;
    },
  };
}
