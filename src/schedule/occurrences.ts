import { compileSchedule, type CompiledSchedule } from './compile-schedule.ts';

/** The most occurrences one call computes. */
export const MAX_COUNT = 1000;

/**
 * The next `count` instants (epoch ms) of a compiled schedule strictly after `after`
 * (fewer when it ends); with after null, from just before the start, so the start counts.
 */
export function occurrencesOf(
  compiled: CompiledSchedule,
  after: Date | null,
  count: number,
): number[] {
  const found: number[] = [];
  let cursor = after === null ? compiled.startMs - 1 : after.getTime();
  for (let i = 0; i < Math.min(count, MAX_COUNT); i++) {
    const instant = compiled.next(cursor);
    if (instant === null) break;
    found.push(instant);
    cursor = instant;
  }
  return found;
}

/** The next `count` instants strictly after `after`, as occurrencesOf does for a schedule object. */
export function nextOccurrences(
  schedule: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
): Date[] {
  return occurrencesOf(compileSchedule(schedule, defaultZone), after, count).map(
    (ms) => new Date(ms),
  );
}

/** False once the schedule will never fire again after `now`: the engine then retires the task. */
export function hasFutureOccurrence(schedule: unknown, now: Date, defaultZone: string): boolean {
  return compileSchedule(schedule, defaultZone).next(now.getTime()) !== null;
}
