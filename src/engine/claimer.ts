import type { Task } from '../domain/task.ts';
import type { Lease } from '../domain/run-state.ts';
import type { NewRun, RunTicket, Store } from '../store/store.ts';
import { notRunRecord, type NotRunRecord } from './engine-events.ts';
import type { FireTimesCache } from './fire-times-cache.ts';
import { planTaskClaim, type ClaimContext, type TaskClaimPlan } from './claim-plan.ts';

/** A run this node claimed and must now execute. */
export interface ClaimedRun {
  ticket: RunTicket;
  task: Task;
  /** Claimed ahead: queued under this node's lease until its time, then begun. */
  reserved: boolean;
}

/** What one claim did. */
export interface ClaimOutcome {
  started: ClaimedRun[];
  /** More may be due right now: claim again without sleeping. */
  more: boolean;
  /** How many more runs this node could have started: 0 when it ran out of room. */
  roomLeft: number;
  /** Occurrences before the horizon were left until they are due. */
  deferred: boolean;
  /**
   * Occurrences recorded as skipped by the overlap policy, and as missed by the misfire policy;
   * the problems of triggers recorded as failed runs (a schedule that no longer compiles).
   */
  notRun: { skipped: NotRunRecord[]; missed: NotRunRecord[]; problems: NotRunRecord[] };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/**
 * Claims due occurrences and ready queued runs in one transaction: locks their tasks
 * (other nodes skip locked ones), inserts the runs (unique per occurrence), advances the
 * triggers, and starts what this node has room for under its lease.
 */
export class Claimer {
  constructor(
    private readonly store: Store,
    private readonly fireTimes: FireTimesCache,
    private readonly options: { batchSize: number; misfireGraceMs: number },
  ) {}

  /** Claims what is due at now, and occurrences up to horizon that may be claimed ahead. */
  async claim(now: number, horizon: number, lease: Lease, capacity: number): Promise<ClaimOutcome> {
    return this.store.transaction(async (store) => {
      const { batchSize } = this.options;
      const dueIds = await store.triggers.dueTaskIds(horizon, batchSize);
      // Ready runs are only worth loading as far as this node can start them.
      const readyIds =
        capacity > 0 ? await store.queue.readyTaskIds(now, Math.min(batchSize, capacity)) : [];
      const candidates = [...new Set([...dueIds, ...readyIds])];
      if (candidates.length === 0) {
        const notRun = { skipped: [], missed: [], problems: [] };
        return { started: [], more: false, roomLeft: capacity, deferred: false, notRun };
      }
      const locked = await store.tasks.lockAvailable(candidates);
      const [tasks, triggers, ready, activity] = await Promise.all([
        store.tasks.getMany(locked),
        store.triggers.ofTasks(locked),
        capacity > 0
          ? store.queue.ready(locked, now, Math.min(batchSize, capacity))
          : Promise.resolve([]),
        store.queue.activity(locked, now),
      ]);
      const context: ClaimContext = {
        now,
        horizon,
        lease,
        capacity,
        misfireGraceMs: this.options.misfireGraceMs,
      };
      const triggersOf = groupBy(triggers, (trigger) => trigger.taskId);
      const readyOf = groupBy(ready, (ticket) => ticket.taskId);
      const plans = tasks.map((task) => ({
        task,
        plan: planTaskClaim(
          {
            task,
            triggers: triggersOf.get(task.id) ?? [],
            ready: readyOf.get(task.id) ?? [],
            activity: activity.get(task.id) ?? { running: 0, waiting: 0, ready: 0 },
            fireTimesOf: (trigger) => this.fireTimes.of(task, trigger),
            scheduleProblemOf: (trigger) => this.fireTimes.problemOf(task, trigger),
          },
          context,
        ),
      }));
      const { started, notRun } = await this.#write(store, plans, lease, now);
      const more =
        dueIds.length >= batchSize || (readyIds.length >= batchSize && capacity > batchSize);
      const deferred = plans.some(({ plan }) => plan.deferred);
      return { started, more, roomLeft: context.capacity, deferred, notRun };
    });
  }

  async #write(
    store: Store,
    plans: ReadonlyArray<{ task: Task; plan: TaskClaimPlan }>,
    lease: Lease,
    now: number,
  ): Promise<Pick<ClaimOutcome, 'started' | 'notRun'>> {
    const newRuns = plans.flatMap(({ plan }) => plan.newRuns);
    const inserted = await store.queue.insert(newRuns);
    // The claim holds the tasks' locks: every ready run it starts or parks is still ready.
    const startIds = plans.flatMap(({ plan }) => plan.startIds);
    await store.queue.start(startIds, lease, now);
    await store.queue.park(plans.flatMap(({ plan }) => plan.parkIds));
    await store.triggers.setNextFire(plans.flatMap(({ plan }) => plan.nextFires));
    await store.tasks.setHidden(
      plans.filter(({ plan }) => plan.ended).map(({ task }) => task.id),
      true,
    );
    const taskOf = new Map(plans.map(({ task }) => [task.id, task]));
    const startedNew = newRuns.filter((run) => 'lease' in run.entry && inserted.has(run.id));
    const startedReady = startIds.length > 0 ? await store.queue.tickets(startIds) : [];
    const claimedAhead = new Set(
      startedNew.filter((run) => run.entry.state === 'claimed').map((run) => run.id),
    );
    const started = [...startedNew, ...startedReady].flatMap((ticket) => {
      const task = taskOf.get(ticket.taskId);
      return task ? [{ ticket, task, reserved: claimedAhead.has(ticket.id) }] : [];
    });
    return { started, notRun: notRunOf(plans, newRuns, inserted) };
  }
}

/**
 * The records the claim inserted without running them: skipped ones, told apart by the policy
 * that skipped them, and failed ones, the problems of triggers.
 */
function notRunOf(
  plans: ReadonlyArray<{ plan: TaskClaimPlan }>,
  newRuns: readonly NewRun[],
  inserted: ReadonlySet<string>,
): ClaimOutcome['notRun'] {
  const missedIds = new Set(plans.flatMap(({ plan }) => plan.missedIds));
  const notRun: ClaimOutcome['notRun'] = { skipped: [], missed: [], problems: [] };
  for (const run of newRuns) {
    if (!inserted.has(run.id)) continue;
    const record = notRunRecord(run);
    if (run.entry.state === 'failed') notRun.problems.push(record);
    else if (run.entry.state === 'skipped')
      (missedIds.has(run.id) ? notRun.missed : notRun.skipped).push(record);
  }
  return notRun;
}
