import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import type { FieldIssue } from '../../domain/errors.ts';
import type { ScheduleBudget } from '../budget.ts';
import { dateOfEpochDay, epochDay } from '../calendar.ts';
import { NEVER, type OccurrenceSource, type ScheduleContext } from '../occurrence-source.ts';
import { instantOf } from '../zone.ts';
import { checkRulePartsOf } from './rrule-parts.ts';
import { wallClockSource, wallMsOf } from './wall-clock-timeline.ts';
import { coerceError } from '../../domain/coerce-error.ts';

/**
 * Steps the library may take in one call (from DTSTART when COUNT is counted from there);
 * a rule that needs more, such as one that can never match, counts as finished. All
 * intervals of a schedule share one time budget besides, so many such rules do not add up.
 */
const MAX_ITERATIONS = 2_000;
/** How the library says it gave up: too many periods, or too many candidates in them. */
const GAVE_UP = /Maximum (iterations|candidate evaluations)/;
const UNTIL = /(^|;)UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?(?=;|$)/i;

function wallZoned(wallMs: number): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(wallMs).toZonedDateTimeISO('UTC');
}

/** The next wall time of the rule; a rule the library gives up on has none. */
function nextOf(
  recurrence: RRuleTemporal,
  afterWallMs: number,
  budget: ScheduleBudget,
): number | null {
  budget.spend();
  try {
    return recurrence.next(wallZoned(afterWallMs), false)?.epochMilliseconds ?? null;
  } catch (error) {
    if (error instanceof Error && GAVE_UP.test(error.message)) return null;
    throw error;
  }
}

/**
 * UNTIL as the last instant allowed: a UTC date-time as it is, a date as the end of that
 * local day. It is applied to real instants, after gaps and repeats are resolved, so it
 * cannot be fooled by a daylight-saving change.
 */
function untilOf(rule: string, zone: string): { rule: string; untilMs: number } {
  const match = UNTIL.exec(rule);
  if (!match) return { rule, untilMs: Number.POSITIVE_INFINITY };
  const [whole, lead = '', y, mo, d, h, mi, s] = match;
  const date = { year: Number(y), month: Number(mo), day: Number(d) };
  const untilMs =
    h === undefined
      ? instantOf({ ...dateOfEpochDay(epochDay(date) + 1), hour: 0, minute: 0, second: 0 }, zone) -
        1
      : Date.UTC(date.year, date.month - 1, date.day, Number(h), Number(mi), Number(s));
  const rest = rule.replace(whole, lead).replace(/;;/g, ';').replace(/^;|;$/g, '');
  return { rule: rest, untilMs };
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
  const text = value
    .trim()
    .replace(/^RRULE:/i, '')
    .replace(/;+$/, '');
  if (/[\r\n]/.test(text) || /(^|;)\s*DTSTART/i.test(text)) {
    issues.push({
      path,
      message: 'give only the RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO; the start is the schedule’s',
    });
    return NEVER;
  }
  const before = issues.length;
  checkRulePartsOf(text, path, issues);
  if (issues.length > before) return NEVER;
  const { rule, untilMs } = untilOf(text, context.zone);
  let recurrence: RRuleTemporal;
  try {
    recurrence = new RRuleTemporal({
      rruleString: rule,
      dtstart: wallZoned(wallMsOf(context.start)),
      temporal: Temporal,
      maxIterations: MAX_ITERATIONS,
    });
  } catch (error) {
    issues.push({ path, message: `not an RRULE: ${coerceError(error).message}` });
    return NEVER;
  }
  const source = wallClockSource(
    (afterWallMs, budget) => nextOf(recurrence, afterWallMs, budget),
    context,
  );
  return {
    next: (afterMs, budget) => {
      const instant = source.next(afterMs, budget);
      return instant === null || instant > untilMs ? null : instant;
    },
  };
}
