import { AppError } from '../domain/errors.ts';

/**
 * The computing time (ms) one question to a schedule may take: its next instant after a
 * given one, from all its intervals together.
 */
export const QUESTION_MS = 50;

/** Starts measuring; the function it returns reads the ms of work since. Tests pass their own. */
export type Stopwatch = () => () => number;

/** The process's CPU time (ms), and the wall-clock time it was read at. */
let cpuReading = { wall: Number.NEGATIVE_INFINITY, cpuMs: 0 };

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The process's CPU time a moment ago: a reading less than 1 ms old is reused, since a
 * question follows a question in a busy loop. Used as a start, it counts at most 1 ms
 * of earlier work too.
 */
function recentCpuMs(wall: number): number {
  if (wall - cpuReading.wall > 1) cpuReading = { wall, cpuMs: cpuMs() };
  return cpuReading.cpuMs;
}

/**
 * Work as the lesser of wall-clock time and the process's CPU time: waiting for a busy
 * machine's CPU does not count (wall time alone would), nor does another thread's work,
 * say a password hash (CPU time alone would). This thread's own work is never more.
 */
export const workStopwatch: Stopwatch = () => {
  const wall = performance.now();
  const cpu = recentCpuMs(wall);
  return () => Math.min(performance.now() - wall, cpuMs() - cpu);
};

const TOO_COMPLEX = 'This schedule needs too much work to compute; it may never fire: simplify it';

/** What every caller answers when a schedule gives up: the same code and words everywhere. */
export function scheduleTooComplex(detail = TOO_COMPLEX): AppError {
  return new AppError('SCHEDULE_TOO_COMPLEX', detail);
}

/**
 * The work one question may do, shared by all intervals of the schedule: each interval
 * that searches (an RRULE that can never match searches 2,000 steps, 20-40 ms) draws on
 * the same allowance, so fifty of them cannot add up to seconds. Measured in time, since
 * rrule-temporal and croner do not tell how much they did; a step is counted before each
 * call into them, and one call is bounded by their own limits.
 */
export class ScheduleBudget {
  readonly #allowanceMs: number;
  readonly #stopwatch: Stopwatch;
  readonly #detail: string | undefined;
  #elapsed: (() => number) | null = null;
  #steps = 0;

  constructor(allowanceMs = QUESTION_MS, stopwatch: Stopwatch = workStopwatch, detail?: string) {
    this.#allowanceMs = allowanceMs;
    this.#stopwatch = stopwatch;
    this.#detail = detail;
  }

  /** The same budget, whole again: a compiled schedule keeps one for the questions asked without. */
  restart(): this {
    this.#elapsed = null;
    this.#steps = 0;
    return this;
  }

  /** How many steps were spent: calls into a library, and exclusions skipped. */
  get steps(): number {
    return this.#steps;
  }

  /** The work done since the first step (ms); 0 before it. */
  elapsedMs(): number {
    return this.#elapsed === null ? 0 : this.#elapsed();
  }

  /**
   * Counts one step, throwing SCHEDULE_TOO_COMPLEX once the allowance is spent. The
   * measuring starts at the first step: what comes before is cheap arithmetic, and a
   * question that never steps (most do not) never reads a clock.
   */
  spend(): void {
    this.#steps += 1;
    if (this.#allowanceMs <= 0) throw scheduleTooComplex(this.#detail);
    if (this.#elapsed === null) this.#elapsed = this.#stopwatch();
    else if (this.#elapsed() > this.#allowanceMs) throw scheduleTooComplex(this.#detail);
  }
}
