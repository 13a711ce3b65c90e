import type { FieldIssue } from '../domain/errors.ts';
import {
  epochDay,
  isoWeekday,
  timeOfSecond,
  WEEKDAY_NUMBERS,
  type PlainDateTime,
} from './calendar.ts';
import { compileSchedule } from './compile-schedule.ts';
import { calendarName, isCalendarExclude } from './holiday-exclusions.ts';
import { parseDateTime } from './parse-text.ts';
import type { IntervalInput, ScheduleInput } from './schedule-schema.ts';
import { timesOfDay, type TimesOfDayInput } from './times-of-day.ts';

const WEEKDAY_NAMES = [
  '',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
const MONTH_NAMES = [
  '',
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
];
const ORDINALS: Readonly<Record<number, string>> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  5: 'fifth',
  [-1]: 'last',
  [-2]: 'second-to-last',
  [-3]: 'third-to-last',
  [-4]: 'fourth-to-last',
  [-5]: 'fifth-to-last',
};

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function every(count: number, singular: string, plural = `${singular}s`): string {
  return count === 1 ? `Every ${singular}` : `Every ${count} ${plural}`;
}

function clock(seconds: number): string {
  const { hour, minute, second } = timeOfSecond(seconds);
  const hhmm = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return second === 0 ? hhmm : `${hhmm}:${String(second).padStart(2, '0')}`;
}

function atTimes(input: TimesOfDayInput, start: PlainDateTime): string {
  if (input.repeat) {
    const { every: step, unit, from, until } = input.repeat;
    const span = step === 1 ? unit.slice(0, -1) : `${step} ${unit}`;
    return `every ${span} from ${from} to ${until}`;
  }
  const issues: FieldIssue[] = [];
  return `at ${list(timesOfDay(input, start, '', issues).map(clock))}`;
}

function ordinalDay(day: number): string {
  if (day === -1) return 'the last day';
  return day < 0 ? `the ${ORDINALS[day] ?? `${-day}th-to-last`} day` : `day ${day}`;
}

function monthDaysText(
  input: Extract<IntervalInput, { kind: 'months' | 'years' }>,
  start: PlainDateTime,
): string {
  const weekdays = (input.weekdays ?? []).map(
    ({ weekday, nth }) =>
      `the ${ORDINALS[nth] ?? nth} ${WEEKDAY_NAMES[WEEKDAY_NUMBERS[weekday] ?? 1] ?? ''}`,
  );
  const days = (input.days ?? (weekdays.length === 0 ? [start.day] : [])).map(ordinalDay);
  return list([...days, ...weekdays]);
}

function describeInterval(input: IntervalInput, start: PlainDateTime): string {
  switch (input.kind) {
    case 'minutes':
      return every(input.every ?? 1, 'minute');
    case 'hours':
      return every(input.every ?? 1, 'hour');
    case 'days':
      return `${every(input.every ?? 1, 'day')} ${atTimes(input, start)}`;
    case 'weeks': {
      const codes = input.weekdays ?? [];
      const days =
        codes.length > 0
          ? codes.map((code) => WEEKDAY_NUMBERS[code] ?? 1)
          : [isoWeekday(epochDay(start))];
      const names = [...new Set(days)].sort((a, b) => a - b).map((day) => WEEKDAY_NAMES[day] ?? '');
      return `${every(input.every ?? 1, 'week')} on ${list(names)} ${atTimes(input, start)}`;
    }
    case 'months': {
      const months = input.months
        ? ` in ${list(input.months.map((month) => MONTH_NAMES[month] ?? ''))}`
        : '';
      return `${every(input.every ?? 1, 'month')}${months} on ${monthDaysText(input, start)} ${atTimes(input, start)}`;
    }
    case 'years': {
      const months = list((input.months ?? [start.month]).map((month) => MONTH_NAMES[month] ?? ''));
      return `${every(input.every ?? 1, 'year')} in ${months} on ${monthDaysText(input, start)} ${atTimes(input, start)}`;
    }
    case 'once':
      return `Once on ${input.at.replace('T', ' at ')}`;
    case 'cron':
      return `Cron ${input.expression}`;
    case 'rrule':
      return `Recurrence rule ${input.rrule.replace(/^RRULE:/i, '')}`;
  }
}

/** The plain-English description of a schedule already checked, in its zone. */
export function describeValid(input: ScheduleInput, zone: string): string {
  const start = parseDateTime(input.start, '/start', []);
  const parts = input.intervals.map((interval) => describeInterval(interval, start));
  const end = input.end ? `, until ${input.end.replace('T', ' ')}` : '';
  return `${parts.join('; ')}, ${zone}${end}${exceptions(input.exclude ?? [])}`;
}

/** ", except on 2 excluded dates or ranges and on days in holidays.ics". */
function exceptions(exclude: NonNullable<ScheduleInput['exclude']>): string {
  const dates = exclude.filter((entry) => !isCalendarExclude(entry)).length;
  const calendars = exclude.filter(isCalendarExclude).map((entry) => {
    const filter = entry.filter?.trim() ?? '';
    const which = filter === '' ? '' : ` with events containing '${filter}'`;
    return `on days${which} in ${calendarName(entry)}`;
  });
  const parts = [
    ...(dates === 0
      ? []
      : [`on ${dates} excluded ${dates === 1 ? 'date or range' : 'dates or ranges'}`]),
    ...calendars,
  ];
  return parts.length === 0 ? '' : `, except ${list(parts)}`;
}

/**
 * The schedule in plain English, e.g. "Every 2 weeks on Monday and Wednesday at 09:00,
 * Europe/Berlin". Throws VALIDATION_FAILED for a schedule that is not valid.
 */
export function describeSchedule(raw: unknown, defaultZone: string): string {
  const { zone } = compileSchedule(raw, defaultZone);
  return describeValid(raw as ScheduleInput, zone);
}
