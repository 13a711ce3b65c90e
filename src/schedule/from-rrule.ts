import { validationError } from '../domain/errors.ts';
import { compileSchedule } from './compile-schedule.ts';
import type { ScheduleInput } from './schedule-schema.ts';

/** What a bare RRULE lacks: the zone and the start (DTSTART). */
export interface RRuleDefaults {
  timezone: string;
  start?: string;
}

const DTSTART = /^DTSTART(?:;TZID=([^:;]+))?:(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/i;

/**
 * A schedule from an RRULE value ("FREQ=WEEKLY;BYDAY=MO", with defaults.start), or from
 * iCalendar lines "DTSTART;TZID=Europe/Berlin:20260105T090000" and "RRULE:…". Throws
 * VALIDATION_FAILED for anything else (EXDATE and RDATE have no exact equivalent).
 */
export function scheduleFromRRule(text: string, defaults: RRuleDefaults): ScheduleInput {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  let timezone = defaults.timezone;
  let start = defaults.start;
  let rrule: string | undefined;
  for (const line of lines) {
    const dtstart = DTSTART.exec(line);
    if (dtstart) {
      const [, zone, y, mo, d, h, mi, s, utc] = dtstart;
      if (utc) timezone = 'UTC';
      else if (zone) timezone = zone;
      start = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
    } else if (/^(RRULE:)?FREQ=/i.test(line) || (/^RRULE:/i.test(line) && rrule === undefined)) {
      if (rrule !== undefined)
        throw validationError([{ path: '/rrule', message: 'give one RRULE' }]);
      rrule = line.replace(/^RRULE:/i, '');
    } else {
      throw validationError([
        { path: '/rrule', message: `cannot read '${line.slice(0, 60)}' (only DTSTART and RRULE)` },
      ]);
    }
  }
  if (rrule === undefined) throw validationError([{ path: '/rrule', message: 'no RRULE given' }]);
  if (start === undefined)
    throw validationError([{ path: '/start', message: 'no DTSTART or start given' }]);
  const schedule: ScheduleInput = { timezone, start, intervals: [{ kind: 'rrule', rrule }] };
  compileSchedule(schedule, timezone);
  return schedule;
}
