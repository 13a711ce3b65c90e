import type { FieldIssue } from '../domain/errors.ts';
import { secondOfDay, type PlainTime } from './calendar.ts';
import { parseTime } from './parse-text.ts';

/** The times-of-day part of a calendar interval, as given. */
export interface TimesOfDayInput {
  times?: string[];
  repeat?: { every: number; unit: 'minutes' | 'hours'; from: string; until: string };
}

/**
 * The seconds since midnight an interval fires at, ascending: the listed times, every
 * step of a repetition from its first to its last time (both included), or else the
 * start's time.
 */
export function timesOfDay(
  input: TimesOfDayInput,
  startTime: PlainTime,
  path: string,
  issues: FieldIssue[],
): number[] {
  if (input.times && input.repeat) {
    issues.push({ path: `${path}/repeat`, message: 'give either times or repeat, not both' });
  }
  if (input.repeat) {
    const { every, unit, from, until } = input.repeat;
    const first = secondOfDay(parseTime(from, `${path}/repeat/from`, issues));
    const last = secondOfDay(parseTime(until, `${path}/repeat/until`, issues));
    if (last < first)
      issues.push({ path: `${path}/repeat/until`, message: 'must not be before from' });
    const step = every * (unit === 'hours' ? 3600 : 60);
    const seconds: number[] = [];
    for (let second = first; second <= last; second += step) seconds.push(second);
    return seconds;
  }
  if (input.times) {
    const seconds = input.times.map((time, i) =>
      secondOfDay(parseTime(time, `${path}/times/${i}`, issues)),
    );
    return [...new Set(seconds)].sort((a, b) => a - b);
  }
  return [secondOfDay(startTime)];
}
