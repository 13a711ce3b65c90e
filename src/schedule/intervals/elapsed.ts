import { LAST_INSTANT, type OccurrenceSource, type ScheduleContext } from '../occurrence-source.ts';

/**
 * Every N minutes or hours of elapsed time from the start: the spacing holds through
 * daylight-saving changes, so both copies of a repeated hour fire. Constant time,
 * however long ago the start was.
 */
export function elapsedSource(stepMs: number, context: ScheduleContext): OccurrenceSource {
  return {
    next(afterMs) {
      if (afterMs < context.startMs) return context.startMs;
      const instant =
        context.startMs + (Math.floor((afterMs - context.startMs) / stepMs) + 1) * stepMs;
      return instant > LAST_INSTANT ? null : instant;
    },
  };
}
