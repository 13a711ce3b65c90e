import type { OccurrenceSource, ScheduleContext } from '../occurrence-source.ts';
import type { DayRule } from './day-rules.ts';
import { wallClockSource, type NextWall } from './wall-clock-timeline.ts';

const MS_PER_DAY = 86_400_000;

/** The wall-clock times of day an interval fires at, in seconds since midnight. */
export interface TimesOfDay {
  /** The earliest, or undefined when there is none. */
  readonly first: number | undefined;
  /** The earliest strictly after the given second of the day, or undefined. */
  after(second: number): number | undefined;
}

/** Index of the first value > target in an ascending array. */
function upperBound(values: readonly number[], target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] ?? 0) <= target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Times of day given as a list, ascending. */
export function listedTimes(seconds: readonly number[]): TimesOfDay {
  return { first: seconds[0], after: (second) => seconds[upperBound(seconds, second)] };
}

/** The walls of a day rule at its times of day. */
function calendarWalls(rule: DayRule, times: TimesOfDay): NextWall {
  const firstTime = times.first;
  return (afterWall) => {
    if (firstTime === undefined) return null;
    const day = Math.floor(afterWall / MS_PER_DAY);
    const second = Math.floor((afterWall - day * MS_PER_DAY) / 1000);
    let matching = rule.nextDay(day);
    if (matching === day) {
      const later = times.after(second);
      if (later !== undefined) return day * MS_PER_DAY + later * 1000;
      matching = rule.nextDay(day + 1);
    }
    return matching === null ? null : matching * MS_PER_DAY + firstTime * 1000;
  };
}

/**
 * Fires on the days a rule gives, at wall-clock times of day; gaps and repeated hours
 * are resolved like every other wall-clock schedule.
 */
export function calendarSource(
  rule: DayRule,
  times: TimesOfDay,
  context: ScheduleContext,
): OccurrenceSource {
  return wallClockSource(calendarWalls(rule, times), context);
}
