import { dateOfEpochDay, epochDay, secondOfDay, timeOfSecond } from '../calendar.ts';
import type { OccurrenceSource, ScheduleContext } from '../occurrence-source.ts';
import { instantOf, isNearTransition, localOf } from '../zone.ts';
import type { DayRule } from './day-rules.ts';

/**
 * How far a daylight-saving change can move a wall-clock time (no zone has moved its
 * clocks by more than two hours at once); times further away cannot reorder.
 */
const SHIFT_WINDOW_SECONDS = 3 * 3600;
const SECONDS_PER_DAY = 86400;

/** Index of the first value >= target in an ascending array. */
function lowerBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] ?? 0) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Fires on the days a rule gives, at wall-clock times of day (seconds since midnight,
 * ascending). A time in a spring-forward gap fires at the shifted instant; a time
 * that occurs twice fires at the first. Only the times near the search point are
 * converted, so many times a day (every minute from 08:00 to 18:00) stay cheap.
 */
export function calendarSource(
  rule: DayRule,
  timesOfDay: readonly number[],
  context: ScheduleContext,
): OccurrenceSource {
  /**
   * The earliest instant after fromMs on a day. Away from a transition, wall order is
   * instant order: the first time after fromSecond is it. Near one, a shifted gap time
   * can land after a later wall time, so the times within the window are compared.
   */
  const firstAfter = (
    day: number,
    fromMs: number,
    fromSecond: number,
    nearFrom: boolean,
  ): number | null => {
    const date = dateOfEpochDay(day);
    let best: number | null = null;
    let stopAt = Number.POSITIVE_INFINITY;
    const first = lowerBound(
      timesOfDay,
      nearFrom ? fromSecond - SHIFT_WINDOW_SECONDS : fromSecond + 1,
    );
    for (let i = first; i < timesOfDay.length; i++) {
      const second = timesOfDay[i] ?? 0;
      if (second > stopAt) break;
      const instant = instantOf({ ...date, ...timeOfSecond(second) }, context.zone);
      if (instant > fromMs && (best === null || instant < best)) {
        best = instant;
        const nearBest = isNearTransition(instant, context.zone, SHIFT_WINDOW_SECONDS * 1000);
        stopAt = nearBest ? second + SHIFT_WINDOW_SECONDS : second;
      }
    }
    return best;
  };

  return {
    next(afterMs) {
      const fromMs = Math.max(afterMs, context.startMs - 1);
      const local = localOf(fromMs, context.zone);
      const fromDay = epochDay(local);
      const nearFrom = isNearTransition(fromMs, context.zone, SHIFT_WINDOW_SECONDS * 1000);
      // The day before too: near midnight, a repeated hour can put a later instant on it.
      let day = fromDay - 1;
      for (let attempt = 0; attempt < 8; attempt++) {
        const matching = rule.nextDay(day);
        if (matching === null) return null;
        const fromSecond = secondOfDay(local) + (fromDay - matching) * SECONDS_PER_DAY;
        const found = firstAfter(matching, fromMs, fromSecond, nearFrom);
        if (found !== null) return found;
        day = matching + 1;
      }
      return null;
    },
  };
}
