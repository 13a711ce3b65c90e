import type { RunCause } from '../domain/run.ts';
import type { Task } from '../domain/task.ts';
import { orderedId } from '../store/sql/ordered-id.ts';
import type { Store } from '../store/store.ts';

/** Why and how a run is requested outside the schedule. */
export interface RunRequest {
  cause: RunCause;
  triggerId: string | null;
  parameters: Record<string, string>;
}

/** Queues a run of the task to start as soon as a node has room, and wakes the nodes. */
export async function enqueueRun(
  store: Store,
  task: Task,
  request: RunRequest,
  now: number,
): Promise<string> {
  const id = orderedId(now);
  await store.transaction(async (tx) => {
    await tx.runs.insertMany([
      {
        id,
        taskId: task.id,
        ownerId: task.ownerId,
        triggerId: request.triggerId,
        cause: request.cause,
        scheduledFor: null,
        attempt: 1,
        retryOf: null,
        parameters: request.parameters,
        chain: [task.id],
        queuedAt: now,
        status: 'queued',
        reason: null,
        notBefore: now,
        lease: null,
      },
    ]);
    await tx.publish({ type: 'wake' });
  });
  return id;
}
