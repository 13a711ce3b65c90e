import { createHash } from 'node:crypto';
import { epochDay, timeOfSecond } from './calendar.ts';
import { compileSchedule } from './compile-schedule.ts';
import { parseDateTime } from './parse-text.ts';
import { calendarName, isCalendarExclude } from './holiday-exclusions.ts';
import type { IntervalInput, ScheduleInput } from './schedule-schema.ts';
import { timesOfDay } from './times-of-day.ts';
import { instantOf, localOf } from './zone.ts';

/** TEXT value escaping (RFC 5545 §3.3.11): no line break or separator can start a new property. */
function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    const limit = parts.length === 0 ? 75 : 74;
    if (Buffer.byteLength(current + char) > limit) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A schedule as iCalendar text, and what could not be expressed in it. */
export interface ICalendarExport {
  icalendar: string;
  /** Intervals RRULE cannot express (cron), and exclusions too large to list. */
  omitted: string[];
}

const MAX_EXDATES = 1000;
const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function localStamp(epochMs: number, zone: string): string {
  const l = localOf(epochMs, zone);
  return `${pad(l.year, 4)}${pad(l.month)}${pad(l.day)}T${pad(l.hour)}${pad(l.minute)}${pad(l.second)}`;
}

function utcStamp(epochMs: number): string {
  return `${new Date(epochMs).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

type CalendarInterval = Extract<IntervalInput, { kind: 'days' | 'weeks' | 'months' | 'years' }>;

function isCalendar(interval: IntervalInput): interval is CalendarInterval {
  return ['days', 'weeks', 'months', 'years'].includes(interval.kind);
}

/** The rule parts of one interval (time of day aside), or null for a single instant. */
function ruleParts(input: Exclude<IntervalInput, { kind: 'cron' }>): string[] | null {
  const every =
    'every' in input && input.every && input.every > 1 ? [`INTERVAL=${input.every}`] : [];
  switch (input.kind) {
    case 'once':
      return null;
    case 'rrule':
      return [input.rrule.replace(/^RRULE:/i, '')];
    case 'minutes':
      return ['FREQ=MINUTELY', ...every];
    case 'hours':
      return ['FREQ=HOURLY', ...every];
    case 'days':
      return ['FREQ=DAILY', ...every];
    case 'weeks':
      return [
        'FREQ=WEEKLY',
        ...every,
        ...(input.weekdays ? [`BYDAY=${input.weekdays.join(',')}`] : []),
        'WKST=MO',
      ];
    case 'months':
    case 'years':
      return [
        input.kind === 'months' ? 'FREQ=MONTHLY' : 'FREQ=YEARLY',
        ...every,
        ...(input.months ? [`BYMONTH=${input.months.join(',')}`] : []),
        ...(input.days ? [`BYMONTHDAY=${input.days.join(',')}`] : []),
        ...(input.weekdays
          ? [`BYDAY=${input.weekdays.map(({ weekday, nth }) => `${nth}${weekday}`).join(',')}`]
          : []),
      ];
  }
}

/** RRULE intersects BYMONTHDAY with BYDAY, where a schedule unites them: one event each. */
function splitDaysAndWeekdays(interval: IntervalInput): IntervalInput[] {
  if (
    (interval.kind === 'months' || interval.kind === 'years') &&
    interval.days &&
    interval.weekdays
  ) {
    const { days, weekdays, ...rest } = interval;
    return [
      { ...rest, days },
      { ...rest, weekdays },
    ];
  }
  return [interval];
}

const clockOf = (second: number) => {
  const { hour, minute, second: s } = timeOfSecond(second);
  return `${pad(hour)}:${pad(minute)}:${pad(s)}`;
};

/**
 * A calendar interval's times as RRULE time parts: BYHOUR/BYMINUTE/BYSECOND when the
 * times are exactly their cross product, else one event per time (DTSTART's time).
 */
function splitByTimes(
  interval: CalendarInterval,
  start: string,
): Array<{ interval: IntervalInput; parts: string[] }> {
  const seconds = timesOfDay(interval, parseDateTime(start, '', []), '', []);
  const times = seconds.map(timeOfSecond);
  const hours = [...new Set(times.map((t) => t.hour))];
  const minutes = [...new Set(times.map((t) => t.minute))];
  const secs = [...new Set(times.map((t) => t.second))];
  const { times: _times, repeat: _repeat, ...rest } = interval;
  if (times.length > 1 && hours.length * minutes.length * secs.length === times.length) {
    const parts = [
      `BYHOUR=${hours.join(',')}`,
      `BYMINUTE=${minutes.join(',')}`,
      ...(secs.some((second) => second !== 0) ? [`BYSECOND=${secs.join(',')}`] : []),
    ];
    return [{ interval: { ...rest, times: seconds.map(clockOf) }, parts }];
  }
  return seconds.map((second) => ({ interval: { ...rest, times: [clockOf(second)] }, parts: [] }));
}

interface EventPlan {
  /** The part of the interval this event stands for, to find its first and excluded instants. */
  interval: IntervalInput;
  rule: string[] | null;
}

function plansOf(interval: IntervalInput, start: string): EventPlan[] | null {
  if (interval.kind === 'cron') return null;
  // A yearly rule without BYMONTH would fire in every month; ours defaults to the start's.
  const whole =
    interval.kind === 'years' && !interval.months
      ? { ...interval, months: [Number(start.slice(5, 7))] }
      : interval;
  return splitDaysAndWeekdays(whole).flatMap((part): EventPlan[] => {
    const base = ruleParts(part as Exclude<IntervalInput, { kind: 'cron' }>);
    if (!isCalendar(part) || base === null) return [{ interval: part, rule: base }];
    return splitByTimes(part, start).map((group) => ({
      interval: group.interval,
      rule: [...base, ...group.parts],
    }));
  });
}

/**
 * The schedule as an iCalendar VCALENDAR with one VEVENT per part RRULE can express,
 * each with DTSTART (its first occurrence, so the rule and the start agree), RRULE,
 * UNTIL from the schedule's end, and EXDATE for its instants on excluded dates.
 */
export function toICalendar(
  raw: unknown,
  defaultZone: string,
  summary = 'Task Planner schedule',
): ICalendarExport {
  const compiled = compileSchedule(raw, defaultZone);
  const input = raw as ScheduleInput;
  const zone = compiled.zone;
  const uid = createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16);
  const omitted: string[] = [];
  const events: string[][] = [];
  const endMs = input.end ? instantOf(parseDateTime(input.end, '/end', []), zone) : null;
  input.intervals.forEach((interval, index) => {
    const plans = plansOf(interval, input.start);
    if (plans === null) {
      omitted.push(
        `intervals/${index}: ${interval.kind === 'cron' ? `cron ${interval.expression}` : interval.kind} has no RRULE form`,
      );
      return;
    }
    for (const plan of plans) {
      const own = { ...input, intervals: [plan.interval] };
      const first = compileSchedule({ ...own, exclude: undefined }, defaultZone).next(
        compiled.startMs - 1,
      );
      if (first === null) continue;
      const lines = [
        'BEGIN:VEVENT',
        `UID:${uid}-${events.length}@taskplanner`,
        `DTSTAMP:${utcStamp(compiled.startMs)}`,
        `DTSTART;TZID=${zone}:${localStamp(first, zone)}`,
      ];
      if (plan.rule) {
        const hasEnd = plan.rule.some((part) => /(^|;)(COUNT|UNTIL)=/i.test(part));
        if (hasEnd && endMs !== null) {
          omitted.push(
            `intervals/${index}: the schedule's end (an RRULE cannot add UNTIL to its COUNT or UNTIL)`,
          );
        }
        lines.push(
          `RRULE:${[...plan.rule, ...(endMs !== null && !hasEnd ? [`UNTIL=${utcStamp(endMs)}`] : [])].join(';')}`,
        );
      }
      lines.push(
        ...exdates(own, first, zone, defaultZone, omitted, index),
        `SUMMARY:${escapeText(summary)}`,
        'END:VEVENT',
      );
      events.push(lines);
    }
  });
  const body = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Task Planner//Schedule//EN',
    ...events.flat(),
    'END:VCALENDAR',
  ];
  return { icalendar: `${body.map(fold).join('\r\n')}\r\n`, omitted };
}

/** EXDATE lines for an event's instants that fall on excluded dates. */
function exdates(
  own: ScheduleInput,
  first: number,
  zone: string,
  defaultZone: string,
  omitted: string[],
  index: number,
): string[] {
  if (!own.exclude?.length) return [];
  const unexcluded = compileSchedule({ ...own, exclude: undefined }, defaultZone);
  const found: string[] = [];
  for (const entry of own.exclude) {
    if (isCalendarExclude(entry)) {
      omitted.push(`intervals/${index}: the days of ${calendarName(entry)} (not read here)`);
      continue;
    }
    const [from, to] = typeof entry === 'string' ? [entry, entry] : [entry.from, entry.to];
    const fromMs = instantOf(parseDateTime(`${from}T00:00`, '', []), zone);
    const lastDay = epochDay(parseDateTime(`${to}T00:00`, '', []));
    let instant = unexcluded.next(Math.max(first - 1, fromMs - 1));
    while (instant !== null && epochDay(localOf(instant, zone)) <= lastDay) {
      if (found.length >= MAX_EXDATES) {
        omitted.push(`intervals/${index}: more than ${MAX_EXDATES} excluded instants`);
        return [];
      }
      found.push(localStamp(instant, zone));
      instant = unexcluded.next(instant);
    }
  }
  return found.map((stamp) => `EXDATE;TZID=${zone}:${stamp}`);
}
