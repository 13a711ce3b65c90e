import { dateTimeOfUtcMs, type PlainDateTime } from '../calendar.ts';
import { LAST_INSTANT, type OccurrenceSource, type ScheduleContext } from '../occurrence-source.ts';
import { instantOf, isNearTransition, localOf } from '../zone.ts';

/**
 * Wall-clock times encoded as if they were UTC instants ("wall ms"): a timeline with
 * no gaps and no repeats, on which cron and RRULE libraries compute without a zone.
 */
export function wallMsOf(local: PlainDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/** Farther than any daylight-saving shift: wall times this far apart keep their order. */
const WINDOW_MS = 3 * 3_600_000;
/** Wall times examined near a transition before giving up. */
const MAX_STEPS = 100_000;

/**
 * Turns a generator of wall-clock times into instants in the zone with the schedule's
 * rules: a gap time fires shifted by the gap, a repeated time fires at its first
 * instant. Away from transitions that is one lookup; near one, the wall times around
 * it are compared, since a shifted gap time can land after a later wall time.
 */
export function wallClockSource(
  nextWallMs: (afterWallMs: number) => number | null,
  context: ScheduleContext,
): OccurrenceSource {
  const { zone } = context;
  const toInstant = (wallMs: number) => instantOf(dateTimeOfUtcMs(wallMs), zone);
  return {
    next(afterMs) {
      const fromMs = Math.max(afterMs, context.startMs - 1);
      const fromWall = wallMsOf(localOf(fromMs, zone));
      const nearFrom = isNearTransition(fromMs, zone, WINDOW_MS);
      let wall = nextWallMs(nearFrom ? fromWall - WINDOW_MS : fromWall);
      let best: number | null = null;
      let stopAfterWall = Number.POSITIVE_INFINITY;
      for (let steps = 0; wall !== null && wall <= stopAfterWall && steps < MAX_STEPS; steps++) {
        const instant = toInstant(wall);
        if (instant > fromMs && (best === null || instant < best)) {
          best = instant;
          stopAfterWall = isNearTransition(instant, zone, WINDOW_MS) ? wall + WINDOW_MS : wall;
        }
        wall = nextWallMs(wall);
      }
      return best === null || best > LAST_INSTANT ? null : best;
    },
  };
}
