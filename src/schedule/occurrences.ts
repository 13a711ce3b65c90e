import { compileSchedule } from './compile-schedule.ts';

/** The most occurrences one call computes. */
export const MAX_COUNT = 1000;

/**
 * The next `count` instants strictly after `after` (fewer when the schedule ends);
 * with after null, from just before the start, so the start itself counts.
 */
export function nextOccurrences(
  schedule: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
): Date[] {
  const { next, startMs } = compileSchedule(schedule, defaultZone);
  const found: Date[] = [];
  let cursor = after === null ? startMs - 1 : after.getTime();
  for (let i = 0; i < Math.min(count, MAX_COUNT); i++) {
    const instant = next(cursor);
    if (instant === null) break;
    found.push(new Date(instant));
    cursor = instant;
  }
  return found;
}

/** False once the schedule will never fire again after `now`: the engine then retires the task. */
export function hasFutureOccurrence(schedule: unknown, now: Date, defaultZone: string): boolean {
  return compileSchedule(schedule, defaultZone).next(now.getTime()) !== null;
}
