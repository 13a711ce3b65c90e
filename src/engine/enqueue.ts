import { AppError } from '../domain/errors.ts';
import type { RunCause } from '../domain/run.ts';
import type { Task } from '../domain/task.ts';
import type { Store } from '../store/store.ts';
import { newRun } from './new-run.ts';
import { limitsFor } from './owner-limits.ts';

/** The window runsPerMinutePerUser counts in. */
const MINUTE_MS = 60_000;

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

/** The owner's runs other than scheduled ones in the window ending now. */
function unscheduledInWindow(store: Store, ownerId: string, now: number) {
  return store.runs.unscheduledSince(ownerId, now - MINUTE_MS + 1);
}

/**
 * How many more runs the owner may start this minute besides scheduled ones (Infinity without
 * a limit), counted without a lock: for runs the engine queues itself, such as a task's
 * followers, where a slight overshoot under concurrency is acceptable.
 */
export async function freeRunPlaces(store: Store, ownerId: string, now: number): Promise<number> {
  const limit = (await limitsFor(store, ownerId)).runsPerMinutePerUser;
  if (limit === null) return Number.POSITIVE_INFINITY;
  const { count } = await unscheduledInWindow(store, ownerId, now);
  return Math.max(0, limit - count);
}

/**
 * Refuses, with TOO_MANY_RUNS and when to try again, a run past the owner's runs per minute.
 * The owner is locked first, so runs requested at once on several nodes are counted one by one.
 */
async function requireRunRoom(store: Store, ownerId: string, now: number): Promise<void> {
  const limit = (await limitsFor(store, ownerId)).runsPerMinutePerUser;
  if (limit === null) return;
  if (limit === 0) {
    throw new AppError(
      'TOO_MANY_RUNS',
      'This server allows no runs per user other than by schedules',
    );
  }
  await store.users.lock(ownerId);
  const { count, earliest } = await unscheduledInWindow(store, ownerId, now);
  if (count < limit) return;
  // A place is free again once the earliest run counted leaves the window.
  const waitSeconds = Math.max(1, Math.ceil(((earliest ?? now) + MINUTE_MS - now) / 1000));
  throw new AppError(
    'TOO_MANY_RUNS',
    `The task's owner started ${count} runs in the last minute, and this server allows ${limit} per user; try again in ${waitSeconds} s`,
    { headers: { 'retry-after': String(waitSeconds) } },
  );
}

/**
 * Queues a run of the task to start as soon as a node has room, and wakes the nodes.
 * Resolves to the run's id, or null when the request's occurrence already has a run.
 * Throws TOO_MANY_RUNS past the owner's runs per minute (scheduled runs are bounded by the
 * minimum interval instead and never come here).
 */
export async function enqueueRun(
  store: Store,
  task: Task,
  request: RunRequest,
  now: number,
): Promise<string | null> {
  const run = newRun(
    {
      taskId: task.id,
      ownerId: task.ownerId,
      triggerId: request.triggerId,
      cause: request.cause,
      scheduledFor: request.occurrence ?? null,
      parameters: request.parameters,
      chain: [...(request.chain ?? []), task.id],
    },
    { state: 'ready', notBefore: now },
    now,
  );
  return store.transaction(async (tx) => {
    await requireRunRoom(tx, task.ownerId, now);
    const inserted = await tx.queue.insert([run]);
    if (!inserted.has(run.id)) return null;
    await tx.publish({ type: 'wake' });
    return run.id;
  });
}
