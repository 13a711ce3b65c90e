import { compileSchedule } from './compile-schedule.ts';
import { describeValid } from './describe.ts';
import { occurrencesOf } from './occurrences.ts';
import type { ScheduleInput } from './schedule-schema.ts';
import { formatInZone } from './zone.ts';

/** What a schedule editor shows: the next occurrences in the schedule's zone, and the schedule in words. */
export interface SchedulePreview {
  /** The zone's standard name (e.g. Europe/Berlin, whatever the spelling given). */
  timezone: string;
  /** ISO 8601 with the zone's offset at each instant. */
  occurrences: string[];
  description: string;
}

/**
 * Previews a schedule: the next `count` occurrences strictly after `after` (with after
 * null, from just before the start, so the start counts). Throws VALIDATION_FAILED.
 */
export function previewSchedule(
  raw: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
): SchedulePreview {
  const compiled = compileSchedule(raw, defaultZone);
  const occurrences = occurrencesOf(compiled, after, count).map((ms) =>
    formatInZone(ms, compiled.zone),
  );
  return {
    timezone: compiled.zone,
    occurrences,
    description: describeValid(raw as ScheduleInput, compiled.zone),
  };
}
