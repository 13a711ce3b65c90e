import type { Store } from '../store/store.ts';
import { followEnds, type EndedRun } from './run-ended.ts';

const SWEEP_BATCH = 200;

/**
 * Frees the reservations of nodes whose lease expired, and finds running runs whose lease
 * expired (their node died or lost the database): marks them interrupted, and lets the policy
 * retry them. Runs of this node's current lease are never touched; a node that restarts has a
 * new lease, so its old runs are found too.
 */
export async function sweepExpiredLeases(
  store: Store,
  now: number,
  expiredBefore: number,
  ownToken: string,
): Promise<number> {
  // Runs a dead node reserved ahead were never begun: they are queued again, not interrupted.
  if ((await store.runs.releaseExpired(expiredBefore)) > 0) await store.publish({ type: 'wake' });
  let swept = 0;
  for (;;) {
    const fetched = await store.runs.expired(expiredBefore, SWEEP_BATCH);
    const expired = fetched.filter((run) => run.leaseToken !== ownToken);
    if (expired.length === 0) return swept;
    const interrupted = await store.transaction(async (tx) => {
      const tasks = new Map(
        (await tx.tasks.getMany(expired.map((run) => run.taskId))).map((task) => [task.id, task]),
      );
      const ended: EndedRun[] = [];
      for (const run of expired) {
        const reason = 'the server running it stopped (its lease expired)';
        if (!(await tx.runs.interrupt(run.id, run.leaseToken, now, reason))) continue;
        const task = tasks.get(run.taskId);
        if (task) ended.push({ ticket: run, policy: task.policy, status: 'interrupted' });
      }
      if (await followEnds(tx, ended, now)) await tx.publish({ type: 'wake' });
      return ended.length;
    });
    swept += interrupted;
    if (fetched.length < SWEEP_BATCH || interrupted === 0) return swept;
  }
}
