import type { RunCause } from '../domain/run.ts';
import type { Task } from '../domain/task.ts';
import { orderedId } from '../store/sql/ordered-id.ts';
import type { Store } from '../store/store.ts';

/** Why and how a run is requested outside the schedule. */
export interface RunRequest {
  cause: RunCause;
  triggerId: string | null;
  parameters: Record<string, string>;
  /** The tasks that ran before in this chain (started by another task), oldest first. */
  chain?: readonly string[];
  /** An event's key (epoch ms): one run per task, trigger and occurrence, across nodes. */
  occurrence?: number | null;
}

/**
 * Queues a run of the task to start as soon as a node has room, and wakes the nodes.
 * Resolves to the run's id, or null when the request's occurrence already has a run.
 */
export async function enqueueRun(
  store: Store,
  task: Task,
  request: RunRequest,
  now: number,
): Promise<string | null> {
  const id = orderedId(now);
  return store.transaction(async (tx) => {
    const inserted = await tx.runs.insertMany([
      {
        id,
        taskId: task.id,
        ownerId: task.ownerId,
        triggerId: request.triggerId,
        cause: request.cause,
        scheduledFor: request.occurrence ?? null,
        attempt: 1,
        retryOf: null,
        parameters: request.parameters,
        chain: [...(request.chain ?? []), task.id],
        queuedAt: now,
        status: 'queued',
        reason: null,
        notBefore: now,
        lease: null,
      },
    ]);
    if (!inserted.has(id)) return null;
    await tx.publish({ type: 'wake' });
    return id;
  });
}
