import type { ScheduleBudget } from './budget.ts';
import type { PlainDateTime } from './calendar.ts';

/** The last instant the module computes: 9999-12-31T23:59:59.999Z. Later means never. */
export const LAST_INSTANT = 253402300799999;

/** The instants of one interval of a schedule. */
export interface OccurrenceSource {
  /**
   * The first instant (epoch ms) strictly after afterMs and not before the start; null if
   * none. A source that calls into a library spends a step of the budget before each call.
   */
  readonly next: (afterMs: number, budget: ScheduleBudget) => number | null;
}

/** What every interval of a schedule shares: its zone and its start. */
export interface ScheduleContext {
  zone: string;
  start: PlainDateTime;
  startMs: number;
}

/** A source that never fires: what an interval with a problem stands as, while issues are collected. */
export const NEVER: OccurrenceSource = { next: () => null };
