import { validationError, type FieldIssue } from '../domain/errors.ts';
import { compileValidator } from '../domain/validation.ts';
import { ScheduleBudget } from './budget.ts';
import { buildCalendarInterval } from './build-interval.ts';
import { dateOfEpochDay, epochDay } from './calendar.ts';
import { cronSource } from './intervals/cron.ts';
import { rruleSource } from './intervals/rrule.ts';
import { LAST_INSTANT, type OccurrenceSource, type ScheduleContext } from './occurrence-source.ts';
import { parseDate, parseDateTime } from './parse-text.ts';
import {
  isCalendarExclude,
  joinedRanges,
  WITHOUT_CALENDARS,
  type CalendarDays,
  type DayRange,
} from './holiday-exclusions.ts';
import {
  MAX_EXCLUDED_CALENDARS,
  ScheduleSchema,
  type CalendarExcludeInput,
  type IntervalInput,
  type ScheduleInput,
} from './schedule-schema.ts';
import { canonicalZone, instantOf, localOf } from './zone.ts';

const validateSchedule = compileValidator(ScheduleSchema);

/** A schedule ready to compute: its zone and the instants it fires at. */
export interface CompiledSchedule {
  readonly zone: string;
  /** The instant of the start: nothing fires before it. */
  readonly startMs: number;
  /**
   * The first instant (epoch ms) strictly after afterMs, or null when it never fires again.
   * All intervals draw on one budget (by default the schedule's own, of QUESTION_MS,
   * restarted for each question); throws SCHEDULE_TOO_COMPLEX when it runs out.
   */
  readonly next: (afterMs: number, budget?: ScheduleBudget) => number | null;
}

/** Epoch-day ranges on which nothing fires, inclusive, sorted, neither touching nor overlapping. */
type Exclusions = readonly DayRange[];

/** The dates and ranges the schedule names itself (its calendars are left to calendarsOf). */
function writtenRanges(input: ScheduleInput, issues: FieldIssue[]): DayRange[] {
  return (input.exclude ?? []).flatMap((entry, i) => {
    const path = `/exclude/${i}`;
    if (isCalendarExclude(entry)) return [];
    if (typeof entry === 'string') {
      const day = epochDay(parseDate(entry, path, issues));
      return [{ from: day, to: day }];
    }
    const from = epochDay(parseDate(entry.from, `${path}/from`, issues));
    const to = epochDay(parseDate(entry.to, `${path}/to`, issues));
    if (to < from) issues.push({ path: `${path}/to`, message: 'must not be before from' });
    return [{ from, to }];
  });
}

/** The calendars the schedule excludes the days of, at most MAX_EXCLUDED_CALENDARS. */
function calendarsOf(input: ScheduleInput, issues: FieldIssue[]): CalendarExcludeInput[] {
  const named = (input.exclude ?? []).filter(isCalendarExclude);
  if (named.length > MAX_EXCLUDED_CALENDARS) {
    issues.push({
      path: '/exclude',
      message: `names ${named.length} calendars, more than the ${MAX_EXCLUDED_CALENDARS} a schedule may`,
    });
  }
  return named;
}

function sourceOf(
  input: IntervalInput,
  context: ScheduleContext,
  path: string,
  issues: FieldIssue[],
): OccurrenceSource {
  if (input.kind === 'cron')
    return cronSource(input.expression, context, `${path}/expression`, issues);
  if (input.kind === 'rrule') return rruleSource(input.rrule, context, `${path}/rrule`, issues);
  return buildCalendarInterval(input, context, path, issues);
}

/** The zone, start and end of a schedule, checked. */
function frameOf(input: ScheduleInput, defaultZone: string, issues: FieldIssue[]) {
  const given = input.timezone ?? defaultZone;
  const zone = canonicalZone(given);
  if (zone === null) {
    issues.push({ path: '/timezone', message: `unknown time zone '${given}'` });
    return null;
  }
  const start = parseDateTime(input.start, '/start', issues);
  const end = input.end === undefined ? null : parseDateTime(input.end, '/end', issues);
  if (issues.length > 0) return null;
  const startMs = instantOf(start, zone);
  const endMs = end === null ? LAST_INSTANT : Math.min(instantOf(end, zone), LAST_INSTANT);
  if (endMs < startMs) issues.push({ path: '/end', message: 'must not be before start' });
  return { zone, start, startMs, endMs };
}

/**
 * Checks a schedule object and prepares it for computing. Throws VALIDATION_FAILED
 * naming every offending field (paths relative to the schedule object). The days of the
 * calendars it excludes are what calendars answers (by default none: they are left out);
 * whatever that throws, compiling throws.
 */
export function compileSchedule(
  raw: unknown,
  defaultZone: string,
  calendars: CalendarDays = WITHOUT_CALENDARS,
): CompiledSchedule {
  const input = validateSchedule(raw);
  const issues: FieldIssue[] = [];
  const frame = frameOf(input, defaultZone, issues);
  const written = writtenRanges(input, issues);
  const named = calendarsOf(input, issues);
  if (!frame) throw validationError(issues);
  const context: ScheduleContext = { zone: frame.zone, start: frame.start, startMs: frame.startMs };
  const sources = input.intervals.map((interval, i) =>
    remembering(sourceOf(interval, context, `/intervals/${i}`, issues)),
  );
  if (issues.length > 0) throw validationError(issues);
  const zone = frame.zone;
  const exclusions = joinedRanges([
    ...written,
    ...named.flatMap((entry) => calendars(entry, zone)),
  ]);
  // Reused, not made for each question: the sources' memory is per schedule too.
  const ownBudget = new ScheduleBudget();
  return {
    zone: frame.zone,
    startMs: frame.startMs,
    next: (afterMs, budget) =>
      nextOfUnion(sources, exclusions, frame, afterMs, budget ?? ownBudget.restart()),
  };
}

/**
 * A source that remembers its last answer: asked again for a time before that answer,
 * it is still the answer (and no answer stays no answer). The union asks every interval
 * for each step, so an interval that fires rarely, or never, is searched once, not each time.
 */
function remembering(source: OccurrenceSource): OccurrenceSource {
  let askedAfter = Number.NaN;
  let answer: number | null = null;
  return {
    next(afterMs, budget) {
      const stillValid = afterMs >= askedAfter && (answer === null || afterMs < answer);
      if (!stillValid) {
        answer = source.next(afterMs, budget);
        askedAfter = afterMs;
      }
      return answer;
    },
  };
}

/** The local midnight after an excluded range: the search resumes there. */
function endOfExclusion(lastDay: number, zone: string): number {
  return instantOf({ ...dateOfEpochDay(lastDay + 1), hour: 0, minute: 0, second: 0 }, zone);
}

/**
 * The earliest instant of any source after afterMs that is neither past the end nor on
 * an excluded date. An instant two intervals share fires once. Each exclusion skipped is
 * a step: every interval is asked again after it.
 */
function nextOfUnion(
  sources: readonly OccurrenceSource[],
  exclusions: Exclusions,
  { endMs, zone }: { endMs: number; zone: string },
  afterMs: number,
  budget: ScheduleBudget,
): number | null {
  let after = afterMs;
  for (let skipped = 0; skipped <= exclusions.length; skipped++) {
    if (skipped > 0) budget.spend();
    let earliest: number | null = null;
    for (const source of sources) {
      const candidate = source.next(after, budget);
      if (candidate !== null && (earliest === null || candidate < earliest)) earliest = candidate;
    }
    if (earliest === null || earliest > endMs) return null;
    const day = epochDay(localOf(earliest, zone));
    const excluded = exclusions.find((range) => range.from <= day && day <= range.to);
    if (!excluded) return earliest;
    // Always forward: where clocks fall back across midnight, the day's end can precede the candidate.
    after = Math.max(endOfExclusion(excluded.to, zone) - 1, earliest);
  }
  return null;
}
