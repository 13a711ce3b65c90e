/**
 * Proleptic Gregorian calendar arithmetic on plain dates, counted as days since
 * 1970-01-01 ("epoch days"). Pure integer math: no time zone, no library.
 */

/** A date without a time or zone. */
export interface PlainDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock time of day. */
export interface PlainTime {
  hour: number;
  minute: number;
  second: number;
}

/** A wall-clock date and time, in no particular zone. */
export type PlainDateTime = PlainDate & PlainTime;

/** The epoch day of a date (Howard Hinnant's days_from_civil). */
export function epochDay(date: PlainDate): number {
  const y = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (date.month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + date.day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The date of an epoch day (civil_from_days). */
export function dateOfEpochDay(days: number): PlainDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** The epoch day of the Monday that starts the week of the given day. */
export function mondayOf(days: number): number {
  return days - (isoWeekday(days) - 1);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Months counted from year 0: a single number to step months by. */
export function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function monthOfIndex(index: number): { year: number; month: number } {
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** True for a date that exists (no 30 February). */
export function isValidDate(date: PlainDate): boolean {
  return (
    Number.isInteger(date.year) &&
    date.month >= 1 &&
    date.month <= 12 &&
    date.day >= 1 &&
    date.day <= daysInMonth(date.year, date.month)
  );
}

/** Seconds since midnight. */
export function secondOfDay(time: PlainTime): number {
  return time.hour * 3600 + time.minute * 60 + time.second;
}

export function timeOfSecond(seconds: number): PlainTime {
  return {
    hour: Math.floor(seconds / 3600),
    minute: Math.floor((seconds % 3600) / 60),
    second: seconds % 60,
  };
}

/** The date and time fields of epoch milliseconds read as UTC (wall times are kept this way). */
export function dateTimeOfUtcMs(ms: number): PlainDateTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** ISO weekday numbers of the RFC 5545 codes. */
export const WEEKDAY_NUMBERS: Readonly<Record<string, number>> = {
  MO: 1,
  TU: 2,
  WE: 3,
  TH: 4,
  FR: 5,
  SA: 6,
  SU: 7,
};
