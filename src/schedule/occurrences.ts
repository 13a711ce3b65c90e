import { QUESTION_MS, ScheduleBudget, workStopwatch, type Stopwatch } from './budget.ts';
import { compileSchedule, type CompiledSchedule } from './compile-schedule.ts';

/** The most occurrences one call computes. */
export const MAX_COUNT = 1000;

/**
 * The computing time (ms) all occurrences of one call may take together; each one also
 * stays within QUESTION_MS. A thousand of an hourly RRULE take about 400 ms.
 */
export const OCCURRENCES_MS = 1000;

/** The limits of one call, and how work is measured; tests change them. */
export interface OccurrenceLimits {
  totalMs: number;
  questionMs: number;
  stopwatch: Stopwatch;
}

const DEFAULT_LIMITS: OccurrenceLimits = {
  totalMs: OCCURRENCES_MS,
  questionMs: QUESTION_MS,
  stopwatch: workStopwatch,
};

/**
 * The next `count` instants (epoch ms) of a compiled schedule strictly after `after`, one
 * at a time (fewer when it ends); with after null, from just before the start, so the
 * start counts. Only the work of computing counts toward the limits, not what the caller
 * does between two instants (letting other work run, say). Throws SCHEDULE_TOO_COMPLEX
 * when one instant, or all of them together, need more.
 */
export function* occurrenceTimes(
  compiled: CompiledSchedule,
  after: Date | null,
  count: number,
  limits: OccurrenceLimits = DEFAULT_LIMITS,
): Generator<number, void, undefined> {
  let cursor = after === null ? compiled.startMs - 1 : after.getTime();
  let spentMs = 0;
  for (let i = 0; i < Math.min(count, MAX_COUNT); i++) {
    const leftMs = limits.totalMs - spentMs;
    const budget =
      leftMs >= limits.questionMs
        ? new ScheduleBudget(limits.questionMs, limits.stopwatch)
        : new ScheduleBudget(leftMs, limits.stopwatch, tooManyDetail(count, i));
    const instant = compiled.next(cursor, budget);
    spentMs += budget.elapsedMs();
    if (instant === null) return;
    yield instant;
    cursor = instant;
  }
}

/** Why a long list gave up where each of its instants alone would not. */
function tooManyDetail(count: number, found: number): string {
  return `Computing ${count} occurrences of this schedule needs too much work (${found} were found): ask for fewer`;
}

/** All instants of occurrenceTimes, at once. */
export function occurrencesOf(
  compiled: CompiledSchedule,
  after: Date | null,
  count: number,
  limits?: OccurrenceLimits,
): number[] {
  return [...occurrenceTimes(compiled, after, count, limits)];
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

/**
 * False once the schedule will never fire again after `now`: the engine then retires the
 * task. Throws SCHEDULE_TOO_COMPLEX when that takes too much work to find out.
 */
export function hasFutureOccurrence(schedule: unknown, now: Date, defaultZone: string): boolean {
  return compileSchedule(schedule, defaultZone).next(now.getTime()) !== null;
}
