import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import type { FieldIssue } from '../../domain/errors.ts';
import type { OccurrenceSource, ScheduleContext } from '../occurrence-source.ts';
import { localOf } from '../zone.ts';
import { checkRulePartsOf } from './rrule-parts.ts';
import { localOfWallMs, wallClockSource, wallMsOf } from './wall-clock-timeline.ts';

const NEVER: OccurrenceSource = { next: () => null };
/** COUNT is counted from the start; beyond this many steps the rule is treated as finished. */
const MAX_ITERATIONS = 1_000_000;

/** The next wall time of the rule; a rule that cannot produce one (BYDAY=5MO in February only) has none. */
function nextOf(recurrence: RRuleTemporal, afterWallMs: number): number | null {
  try {
    return recurrence.next(wallZoned(afterWallMs), false)?.epochMilliseconds ?? null;
  } catch (error) {
    if (error instanceof Error && /Maximum iterations/.test(error.message)) return null;
    throw error;
  }
}

function wallZoned(wallMs: number): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(wallMs).toZonedDateTimeISO('UTC');
}

/** 20260329T013000Z in the zone becomes the same wall time on the UTC-encoded wall timeline. */
function untilOnWallTimeline(rule: string, zone: string): string {
  return rule.replace(
    /UNTIL=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/i,
    (_match, y, mo, d, h, mi, s) => {
      const instant = Date.UTC(
        Number(y),
        Number(mo) - 1,
        Number(d),
        Number(h),
        Number(mi),
        Number(s),
      );
      const wall = localOfWallMs(wallMsOf(localOf(instant, zone)));
      const pad = (value: number, width = 2) => String(value).padStart(width, '0');
      return `UNTIL=${pad(wall.year, 4)}${pad(wall.month)}${pad(wall.day)}T${pad(wall.hour)}${pad(wall.minute)}${pad(wall.second)}Z`;
    },
  );
}

/**
 * An RFC 5545 RRULE value, with the schedule's start as DTSTART, in the schedule's zone.
 * rrule-temporal computes on the wall-clock timeline; a generated time in a gap fires
 * shifted, as an explicit DATE-TIME would (RFC 5545 §3.3.5), and counts toward COUNT.
 */
export function rruleSource(
  value: string,
  context: ScheduleContext,
  path: string,
  issues: FieldIssue[],
): OccurrenceSource {
  const rule = value.trim().replace(/^RRULE:/i, '');
  if (/[\r\n]/.test(rule) || /(^|;)\s*DTSTART/i.test(rule)) {
    issues.push({
      path,
      message: 'give only the RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO; the start is the schedule’s',
    });
    return NEVER;
  }
  const before = issues.length;
  checkRulePartsOf(rule, path, issues);
  if (issues.length > before) return NEVER;
  let recurrence: RRuleTemporal;
  try {
    recurrence = new RRuleTemporal({
      rruleString: untilOnWallTimeline(rule, context.zone),
      dtstart: wallZoned(wallMsOf(context.start)),
      temporal: Temporal,
      maxIterations: MAX_ITERATIONS,
    });
  } catch (error) {
    issues.push({ path, message: `not an RRULE: ${(error as Error).message}` });
    return NEVER;
  }
  return wallClockSource((afterWallMs) => nextOf(recurrence, afterWallMs), context);
}
