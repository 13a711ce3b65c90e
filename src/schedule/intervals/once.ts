import type { PlainDateTime } from '../calendar.ts';
import type { OccurrenceSource, ScheduleContext } from '../occurrence-source.ts';
import { instantOf } from '../zone.ts';

/** A single wall-clock date and time. */
export function onceSource(at: PlainDateTime, context: ScheduleContext): OccurrenceSource {
  const instant = instantOf(at, context.zone);
  return {
    next: (afterMs) => (instant > afterMs && instant >= context.startMs ? instant : null),
  };
}
