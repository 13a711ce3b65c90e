import { because, type CodedReason } from '../domain/reason-codes.ts';
import type { Task } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';
import type { NewRun, RunTicket, Store, StoredTrigger, TaskActivity } from '../store/store.ts';
import { planTaskClaim } from './claim-plan.ts';
import { newRun } from './new-run.ts';
import type { FireTimesCache } from './fire-times-cache.ts';

const CHANGED = because(
  'occurrence-gone',
  'not run: its server stopped before its time, and the task has changed since (its trigger no longer has this occurrence)',
);

/** What a give-back decides with. */
export interface GiveBackContext {
  now: number;
  misfireGraceMs: number;
  fireTimes: FireTimesCache;
}

/** A run reserved ahead, with the lease it is reserved under. */
type Reservation = RunTicket & { leaseToken: string };

/** What becomes of the given-back occurrences of one trigger. */
interface Outcome {
  rewind: Array<{ taskId: string; triggerId: string; to: number }>;
  newRuns: NewRun[];
}

function skippedRecord(run: Reservation, why: CodedReason, now: number): NewRun {
  const { taskId, ownerId, triggerId, cause, scheduledFor, parameters, chain } = run;
  const facts = { taskId, ownerId, triggerId, cause, scheduledFor, parameters, chain, why };
  return newRun(facts, { state: 'skipped' }, now);
}

/**
 * Whether the occurrences (ascending) are the trigger's last ones before its next fire, with
 * none between them: then the trigger can step back to the first with no occurrence counted twice.
 */
function endsAtNextFire(times: readonly number[], next: FireTimes, trigger: StoredTrigger) {
  return times.every((at, i) => next(at) === (times[i + 1] ?? trigger.nextFireAt));
}

/**
 * One given-back occurrence on its own (later occurrences of its trigger already have their
 * records), decided by the claim's own rules as if it alone were due: the misfire policy may
 * skip it, the overlap policy may skip it or keep it waiting; else it is queued for any node,
 * at its time if that is still ahead.
 */
function planAlone(
  task: Task,
  trigger: StoredTrigger,
  run: Reservation,
  activity: TaskActivity,
  context: GiveBackContext,
) {
  const at = run.scheduledFor ?? context.now;
  const plan = planTaskClaim(
    {
      task,
      triggers: [{ ...trigger, nextFireAt: Math.min(at, context.now) }],
      ready: [],
      activity,
      fireTimesOf: () => () => null,
    },
    {
      now: context.now,
      horizon: context.now,
      lease: { node: '', token: '', expiresAt: 0 },
      capacity: 0,
      misfireGraceMs: context.misfireGraceMs,
    },
  );
  return plan.newRuns.map((planned): NewRun => {
    const { entry } = planned;
    const atItsTime =
      entry.state === 'ready' ? { ...entry, notBefore: Math.max(at, entry.notBefore) } : entry;
    return { ...planned, scheduledFor: at, entry: atItsTime };
  });
}

/** Decides for the given-back occurrences of one trigger (ascending); counts what it queues. */
function decide(
  task: Task | undefined,
  trigger: StoredTrigger | undefined,
  runs: readonly Reservation[],
  activity: TaskActivity,
  context: GiveBackContext,
): Outcome {
  const next = task && trigger ? context.fireTimes.of(task, trigger) : null;
  const valid = (run: Reservation) =>
    next !== null && next((run.scheduledFor ?? 0) - 1) === run.scheduledFor;
  const outcome: Outcome = { rewind: [], newRuns: [] };
  outcome.newRuns.push(
    ...runs.filter((run) => !valid(run)).map((run) => skippedRecord(run, CHANGED, context.now)),
  );
  const due = runs.filter(valid);
  if (!task || !trigger || !next || due.length === 0) return outcome;
  const times = due.map((run) => run.scheduledFor ?? 0);
  if (endsAtNextFire(times, next, trigger)) {
    outcome.rewind.push({ taskId: task.id, triggerId: trigger.triggerId, to: times[0] ?? 0 });
    return outcome;
  }
  for (const run of due) {
    const planned = planAlone(task, trigger, run, activity, context);
    for (const { entry } of planned) {
      if (entry.state === 'waiting') activity.waiting += 1;
      if (entry.state === 'ready') activity.ready += 1;
    }
    outcome.newRuns.push(...planned);
  }
  return outcome;
}

/**
 * Gives reservations back, inside the caller's transaction. A reservation is an occurrence
 * claimed ahead and not begun; when its node stops or dies first, its row goes and the
 * occurrence is decided again, as a due occurrence: when it and the trigger's other given-back
 * ones are the last before the trigger's next fire, the trigger steps back to the first of them
 * and the next claim applies the misfire and overlap policies to them with whatever else is due;
 * otherwise each is decided alone, by the same rules. One the trigger no longer has (the task
 * was edited or disabled since) is recorded skipped. Returns how many went back.
 */
export async function giveBack(
  tx: Store,
  reservations: readonly Reservation[],
  context: GiveBackContext,
): Promise<number> {
  // Waits for a claim of the same tasks (claims skip locked tasks, so none waits for this one).
  await tx.tasks.lock([...new Set(reservations.map((run) => run.taskId))]);
  const withdrawn = await tx.queue.withdraw(reservations);
  const gone = reservations
    .filter((run) => withdrawn.has(run.id))
    .sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
  if (gone.length === 0) return 0;
  const taskIds = [...new Set(gone.map((run) => run.taskId))];
  const [tasks, triggers, activities] = await Promise.all([
    tx.tasks.getMany(taskIds),
    tx.triggers.ofTasks(taskIds),
    tx.queue.activity(taskIds, context.now),
  ]);
  const rewind: Outcome['rewind'] = [];
  const newRuns: NewRun[] = [];
  for (const key of new Set(gone.map((run) => JSON.stringify([run.taskId, run.triggerId])))) {
    const [taskId, triggerId] = JSON.parse(key) as [string, string | null];
    const runs = gone.filter((run) => run.taskId === taskId && run.triggerId === triggerId);
    const task = tasks.find((each) => each.id === taskId);
    const trigger = triggers.find((each) => each.taskId === taskId && each.triggerId === triggerId);
    const activity = activities.get(taskId) ?? { running: 0, waiting: 0, ready: 0 };
    activities.set(taskId, activity);
    const outcome = decide(task, trigger, runs, activity, context);
    rewind.push(...outcome.rewind);
    newRuns.push(...outcome.newRuns);
  }
  await tx.triggers.rewind(rewind);
  await tx.queue.insert(newRuns);
  return gone.length;
}
