import type { CodedReason } from '../domain/reason-codes.ts';
import type { Task } from '../domain/task.ts';
import type { NewRun, Store } from '../store/store.ts';
import { newRun } from './new-run.ts';

/**
 * The record of a trigger's problem, so that the task's owner sees it among its runs: a run
 * ended failed at once with the problem's code and detail, caused by the trigger; it never ran,
 * and accounts for no occurrence.
 */
export function triggerProblemRun(
  task: Pick<Task, 'id' | 'ownerId'>,
  triggerId: string,
  why: CodedReason,
  now: number,
): NewRun {
  const facts = { taskId: task.id, ownerId: task.ownerId, triggerId, chain: [task.id] };
  return newRun({ ...facts, cause: 'trigger', occurrences: 0, why }, { state: 'failed' }, now);
}

/**
 * Records a problem of an event trigger (it did not start, its secrets cannot be opened) once,
 * though every node meets it, at each of its starts and each change of the task: it is left out
 * when the newest run of the trigger is the same problem (same code and detail) recorded since
 * the task last changed. Nodes check and insert under the task's lock, one after the other, so
 * a problem they all meet is recorded by the first; a problem of one node only (its own secret
 * key, its own folder) is recorded again at its next start if the trigger ran elsewhere meanwhile.
 * Returns the record, or null when the problem was already recorded.
 */
export async function recordTriggerProblem(
  store: Store,
  task: Task,
  triggerId: string,
  why: CodedReason,
  now: number,
): Promise<NewRun | null> {
  return store.transaction(async (tx) => {
    await tx.tasks.lock([task.id]);
    const latest = await tx.runs.latestOfTrigger(task.id, triggerId);
    const recorded =
      latest !== undefined &&
      latest.queuedAt >= task.updatedAt &&
      latest.reasonCode === why.reasonCode &&
      latest.reason === why.reason;
    if (recorded) return null;
    const record = triggerProblemRun(task, triggerId, why, now);
    await tx.queue.insert([record]);
    return record;
  });
}
