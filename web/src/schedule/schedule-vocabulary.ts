import type { IntervalKind, WeekdayCode } from './schedule-types.ts';

/** The weekdays, Monday first as the schedule counts weeks. */
export const WEEKDAYS: ReadonlyArray<{ code: WeekdayCode; name: string }> = [
  { code: 'MO', name: 'Monday' },
  { code: 'TU', name: 'Tuesday' },
  { code: 'WE', name: 'Wednesday' },
  { code: 'TH', name: 'Thursday' },
  { code: 'FR', name: 'Friday' },
  { code: 'SA', name: 'Saturday' },
  { code: 'SU', name: 'Sunday' },
];

/** Month names, January = index 0. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** How the kind picker names each interval kind. */
export const INTERVAL_KIND_LABELS: Readonly<Record<IntervalKind, string>> = {
  minutes: 'Minutes',
  hours: 'Hours',
  days: 'Days',
  weeks: 'Weeks',
  months: 'Months',
  years: 'Years',
  once: 'Once',
  cron: 'Cron expression',
  rrule: 'RRULE (RFC 5545)',
};

/** The unit word after "Every N". */
export const EVERY_UNITS: Readonly<Partial<Record<IntervalKind, string>>> = {
  minutes: 'minutes',
  hours: 'hours',
  days: 'days',
  weeks: 'weeks',
  months: 'months',
  years: 'years',
};

/** The choices for "the n-th weekday of the month". */
export const NTH_CHOICES: ReadonlyArray<{ nth: number; name: string }> = [
  { nth: 1, name: 'First' },
  { nth: 2, name: 'Second' },
  { nth: 3, name: 'Third' },
  { nth: 4, name: 'Fourth' },
  { nth: 5, name: 'Fifth' },
  { nth: -1, name: 'Last' },
  { nth: -2, name: 'Second-to-last' },
];

/** The weekday (Monday = 0) and day of month of a local date-time like 2026-03-02T09:00. */
export function dateParts(localDateTime: string): { weekday: number; day: number; month: number } {
  const [year = 1970, month = 1, day = 1] = localDateTime.slice(0, 10).split('-').map(Number);
  const sundayFirst = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { weekday: (sundayFirst + 6) % 7, day, month };
}
