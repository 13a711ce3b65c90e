import { setImmediate } from 'node:timers/promises';
import { compileSchedule, type CompiledSchedule } from './compile-schedule.ts';
import { describeValid } from './describe.ts';
import { WITHOUT_CALENDARS, type CalendarDays } from './holiday-exclusions.ts';
import { occurrenceTimes, occurrencesOf } from './occurrences.ts';
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

/** The longest the async preview computes (ms) before it lets other work run. */
const SLICE_MS = 10;

function previewOf(raw: unknown, compiled: CompiledSchedule, instants: number[]): SchedulePreview {
  return {
    timezone: compiled.zone,
    occurrences: instants.map((ms) => formatInZone(ms, compiled.zone)),
    description: describeValid(raw as ScheduleInput, compiled.zone),
  };
}

/**
 * Previews a schedule: the next `count` occurrences strictly after `after` (with after
 * null, from just before the start, so the start counts); the calendars it excludes cover the
 * days calendars gives (by default none). Throws VALIDATION_FAILED, or SCHEDULE_TOO_COMPLEX past the
 * limits of occurrenceTimes.
 */
export function previewSchedule(
  raw: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
  calendars: CalendarDays = WITHOUT_CALENDARS,
): SchedulePreview {
  const compiled = compileSchedule(raw, defaultZone, calendars);
  return previewOf(raw, compiled, occurrencesOf(compiled, after, count));
}

/**
 * previewSchedule for a server: between occurrences it lets other work run every
 * SLICE_MS, so a long list (a thousand of an hourly RRULE) never holds the event loop for
 * longer than one occurrence takes at most (QUESTION_MS).
 */
export async function previewScheduleYielding(
  raw: unknown,
  after: Date | null,
  count: number,
  defaultZone: string,
  calendars: CalendarDays = WITHOUT_CALENDARS,
): Promise<SchedulePreview> {
  const compiled = compileSchedule(raw, defaultZone, calendars);
  const instants: number[] = [];
  let sliceStart = performance.now();
  for (const instant of occurrenceTimes(compiled, after, count)) {
    instants.push(instant);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await setImmediate();
      sliceStart = performance.now();
    }
  }
  return previewOf(raw, compiled, instants);
}
