import type { ScheduleBudget } from '../budget.ts';
import { dateTimeOfUtcMs, type PlainDateTime } from '../calendar.ts';
import { LAST_INSTANT, type OccurrenceSource, type ScheduleContext } from '../occurrence-source.ts';
import { foldEndAfter, gapBehind, gapOf, instantOf, localOf } from '../zone.ts';

/**
 * Wall-clock times encoded as if they were UTC instants ("wall ms"): a timeline with
 * no gaps and no repeats, on which cron, RRULE and calendar rules compute without a zone.
 */
export function wallMsOf(local: PlainDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/**
 * The first wall time strictly after the given one (wall ms), or null when there is none;
 * one that calls into a library spends a step of the budget first.
 */
export type NextWall = (afterWallMs: number, budget: ScheduleBudget) => number | null;

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

/**
 * Turns wall-clock times into instants in the zone by the schedule's rules: a wall in a
 * spring-forward gap fires shifted (read with the offset before the gap), a wall that
 * occurs twice fires at its first instant. Mapped that way walls keep their order, except
 * that a gap's shifted walls land among the walls just after it. So the next instant after
 * `from` is the earliest of two candidates:
 *  - the first wall after from's own wall (or after the repeated hour, if from is in its
 *    second copy); if that wall is in a gap, its shifted instant or the first wall after
 *    the gap, whichever is earlier;
 *  - if from lies just after a gap, the first of the gap's walls that maps after from.
 * A handful of lookups, however dense the schedule and however near a transition.
 */
export function wallClockSource(nextWall: NextWall, context: ScheduleContext): OccurrenceSource {
  const { zone } = context;
  const instantOfWall = (wall: number) => instantOf(dateTimeOfUtcMs(wall), zone);

  const firstAfterWall = (afterWall: number, budget: ScheduleBudget): number | null => {
    const wall = nextWall(afterWall, budget);
    if (wall === null) return null;
    const gap = gapOf(wall, zone);
    if (!gap) return instantOfWall(wall);
    const pastGap = nextWall(gap.endWall - 1, budget);
    return earliest(wall - gap.offsetBefore, pastGap === null ? null : instantOfWall(pastGap));
  };

  return {
    next(afterMs, budget) {
      const fromMs = Math.max(afterMs, context.startMs - 1);
      const ownWall = wallMsOf(localOf(fromMs, zone));
      const foldEnd = foldEndAfter(fromMs, zone);
      const fromWall = foldEnd === null ? ownWall : Math.max(ownWall, foldEnd - 1);
      let best = firstAfterWall(fromWall, budget);
      const gap = gapBehind(fromMs, zone);
      if (gap) {
        const wall = nextWall(fromMs + gap.offsetBefore, budget);
        if (wall !== null && wall < gap.endWall) best = earliest(best, wall - gap.offsetBefore);
      }
      return best === null || best > LAST_INSTANT ? null : best;
    },
  };
}
