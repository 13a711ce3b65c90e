import type { MisfirePolicy } from '../domain/policy-names.ts';
import type { TaskPolicy } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';
import { because, type CodedReason } from '../domain/reason-codes.ts';

/** How many due occurrences are counted at most, to describe a long downtime. */
export const COUNT_CAP = 10_000;

/** Consecutive occurrences of one trigger that one record stands for: `count` of them from `at`. */
export interface OccurrenceSpan {
  at: number;
  /** Exact up to COUNT_CAP; COUNT_CAP + 1 means "more than COUNT_CAP". */
  count: number;
}

/** What to do with one scheduled trigger that is due. */
export interface FirePlan {
  /**
   * The spans to run, oldest first: one run each; a span of several (misfire "once") has a note
   * saying how many it stands for, its run's reason (code "coalesced").
   */
  run: Array<OccurrenceSpan & { note: string | null }>;
  /** The spans not run: one skipped run each, with the reason and its code. */
  skipped: Array<OccurrenceSpan & CodedReason>;
  nextFireAt: number | null;
}

/**
 * How many occurrences are due from first (one of them) up to until, counting to COUNT_CAP + 1,
 * and the last one counted.
 */
function countDue(next: FireTimes, first: number, until: number): { count: number; last: number } {
  let count = 0;
  let last = first;
  for (let at: number | null = first; at !== null && at <= until; at = next(at)) {
    count += 1;
    last = at;
    if (count > COUNT_CAP) break;
  }
  return { count, last };
}

/** "1 occurrence", "3 occurrences", "more than 10,000 occurrences". */
export function occurrencesText(count: number): string {
  if (count > COUNT_CAP) return `more than ${COUNT_CAP.toLocaleString('en')} occurrences`;
  return count === 1 ? '1 occurrence' : `${count} occurrences`;
}

const iso = (millis: number) => new Date(millis).toISOString();

/** misfire "once": one run for every occurrence due up to now. */
function runOnce(firstDue: number, next: FireTimes, now: number): FirePlan {
  const later = next(firstDue);
  if (later === null || later > now) {
    return { run: [{ at: firstDue, count: 1, note: null }], skipped: [], nextFireAt: later };
  }
  const { count } = countDue(next, firstDue, now);
  const note = `${occurrencesText(count)} were due since ${iso(firstDue)}; ran once (misfire policy "once")`;
  return { run: [{ at: firstDue, count, note }], skipped: [], nextFireAt: next(now) };
}

/** What a misfire rule decides with. */
interface DueTrigger {
  firstDue: number;
  next: FireTimes;
  policy: Pick<TaskPolicy, 'misfireLimit'>;
  now: number;
  graceMs: number;
}

/** misfire "all": runs each due occurrence, up to the limit; the rest is one skipped record. */
function runAll({ firstDue, next, policy, now }: DueTrigger, plan = emptyPlan()): FirePlan {
  let at: number | null = firstDue;
  while (at !== null && at <= now && plan.run.length < policy.misfireLimit) {
    plan.run.push({ at, count: 1, note: null });
    at = next(at);
  }
  if (at !== null && at <= now) {
    const { count, last } = countDue(next, at, now);
    const span =
      count === 1
        ? `1 occurrence at ${iso(at)} was`
        : `${occurrencesText(count)} from ${iso(at)} to ${iso(last)} were`;
    const reason = `${span} not run: of the occurrences due at once, only the first ${policy.misfireLimit} run (misfire limit)`;
    plan.skipped.push({ at, count, ...because('misfire-limit', reason) });
    at = next(now);
  }
  plan.nextFireAt = at;
  return plan;
}

/** misfire "skip": records those more than graceMs late as one skipped run, then runs the rest as "all". */
function skipLate(due: DueTrigger): FirePlan {
  const { firstDue, next, now, graceMs } = due;
  // Missed: due more than graceMs ago (an occurrence exactly graceMs late still runs).
  const missedUntil = now - graceMs - 1;
  if (firstDue > missedUntil) return runAll(due);
  const { count } = countDue(next, firstDue, missedUntil);
  const them =
    count === 1 ? 'was missed while no server ran it' : 'were missed while no server ran them';
  const reason = `${occurrencesText(count)} from ${iso(firstDue)} ${them} (misfire policy "skip")`;
  const plan = emptyPlan();
  plan.skipped.push({ at: firstDue, count, ...because('missed-while-down', reason) });
  const resumeAt = next(missedUntil);
  if (resumeAt === null) return plan;
  return runAll({ ...due, firstDue: resumeAt }, plan);
}

function emptyPlan(): FirePlan {
  return { run: [], skipped: [], nextFireAt: null };
}

/** One rule per misfire policy (domain/policy-names.ts). */
export const MISFIRE_RULES: Readonly<Record<MisfirePolicy, (due: DueTrigger) => FirePlan>> = {
  once: ({ firstDue, next, now }) => runOnce(firstDue, next, now),
  all: (due) => runAll(due),
  skip: skipLate,
};

/**
 * Which occurrences of a due trigger run, per the misfire policy, so that every due occurrence
 * is in exactly one span. "once" runs one run for all that are due; "all" runs each, up to the
 * limit, and records the rest as one skipped run; "skip" first records those more than graceMs
 * late as one skipped run, then runs the others as "all" does.
 */
export function planFires(
  firstDue: number,
  next: FireTimes,
  policy: Pick<TaskPolicy, 'misfire' | 'misfireLimit'>,
  now: number,
  graceMs: number,
): FirePlan {
  return MISFIRE_RULES[policy.misfire]({ firstDue, next, policy, now, graceMs });
}
