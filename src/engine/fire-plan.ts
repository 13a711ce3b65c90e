import type { TaskPolicy } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';

/** How many due occurrences are counted at most, to describe a long downtime. */
const COUNT_CAP = 10_000;

/** What to do with one scheduled trigger that is due. */
export interface FirePlan {
  /** The occurrences to run, oldest first. */
  run: number[];
  /** A note for the first run when it stands for several occurrences. */
  note: string | null;
  /** Occurrences not run, recorded as one skipped run at the first of them. */
  skipped: { scheduledFor: number; reason: string } | null;
  nextFireAt: number | null;
}

function countDue(next: FireTimes, first: number, until: number): string {
  let count = 0;
  for (let at: number | null = first; at !== null && at <= until; at = next(at)) {
    count += 1;
    if (count > COUNT_CAP) return `more than ${COUNT_CAP.toLocaleString('en')}`;
  }
  return String(count);
}

const iso = (millis: number) => new Date(millis).toISOString();

/**
 * Which occurrences of a due trigger run, per the misfire policy. "once" runs one run for
 * all that are due; "all" runs each, up to the limit; "skip" runs only those less than
 * graceMs late and records the older ones as one skipped run.
 */
export function planFires(
  firstDue: number,
  next: FireTimes,
  policy: Pick<TaskPolicy, 'misfire' | 'misfireLimit'>,
  now: number,
  graceMs: number,
): FirePlan {
  if (policy.misfire === 'once') {
    const later = next(firstDue);
    const note =
      later !== null && later <= now
        ? `${countDue(next, firstDue, now)} occurrences were due since ${iso(firstDue)}; ran once (misfire policy "once")`
        : null;
    return { run: [firstDue], note, skipped: null, nextFireAt: note ? next(now) : later };
  }
  let start: number | null = firstDue;
  let skipped: FirePlan['skipped'] = null;
  // Missed: due more than graceMs ago (an occurrence exactly graceMs late still runs).
  const missedUntil = now - graceMs - 1;
  if (policy.misfire === 'skip' && firstDue <= missedUntil) {
    const count = countDue(next, firstDue, missedUntil);
    skipped = {
      scheduledFor: firstDue,
      reason: `${count} occurrences from ${iso(firstDue)} were missed while no server ran them (misfire policy "skip")`,
    };
    start = next(missedUntil);
  }
  const run: number[] = [];
  let at = start;
  while (at !== null && at <= now && run.length < policy.misfireLimit) {
    run.push(at);
    at = next(at);
  }
  const dropped = at !== null && at <= now;
  const note = dropped
    ? `more than ${policy.misfireLimit} occurrences were due; the rest up to ${iso(now)} were not run (misfire limit)`
    : null;
  return { run, note, skipped, nextFireAt: dropped ? next(now) : at };
}
