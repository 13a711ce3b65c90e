import { compileSchedule, type CompiledSchedule } from './compile-schedule.ts';

/** The most occurrences one call computes. */
export const MAX_COUNT = 1000;

function compiled(schedule: unknown, defaultZone: string): CompiledSchedule {
  return compileSchedule(schedule, defaultZone);
}

/** The next `count` instants strictly after `after` (fewer when the schedule ends). */
export function nextOccurrences(
  schedule: unknown,
  after: Date,
  count: number,
  defaultZone: string,
): Date[] {
  const { next } = compiled(schedule, defaultZone);
  const found: Date[] = [];
  let cursor = after.getTime();
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
  return compiled(schedule, defaultZone).next(now.getTime()) !== null;
}
