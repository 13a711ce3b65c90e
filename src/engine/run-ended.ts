import { FAILURE_STATUSES, type RunStatus } from '../domain/run.ts';
import type { TaskPolicy } from '../domain/task.ts';
import { orderedId } from '../store/sql/ordered-id.ts';
import type { Follower, NewRun, RunTicket, Store } from '../store/store.ts';
import { freeRunPlaces } from './enqueue.ts';

/** A run whose end was just written. */
export interface EndedRun {
  ticket: RunTicket;
  policy: TaskPolicy;
  status: RunStatus;
}

const RETRIED: readonly RunStatus[] = ['failed', 'timed-out', 'interrupted'];
const MAX_BACKOFF_MS = 7 * 86_400_000;

/** The delay before retry number `attempt` (1 for the first retry): doubling each time. */
export function backoffMs(policy: TaskPolicy, attempt: number): number {
  return Math.min(policy.retryBackoffSeconds * 1000 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

function followsOutcome(on: Follower['on'], status: RunStatus): boolean {
  if (status === 'skipped') return false;
  if (on === 'success') return status === 'succeeded';
  if (on === 'failure') return FAILURE_STATUSES.includes(status);
  return true;
}

function retryOf(ended: EndedRun, now: number): NewRun | null {
  const { ticket, policy, status } = ended;
  if (!RETRIED.includes(status) || ticket.attempt > policy.retries) return null;
  return {
    ...ticket,
    id: orderedId(now),
    attempt: ticket.attempt + 1,
    retryOf: ticket.retryOf ?? ticket.id,
    // The first attempt accounts for the occurrence.
    occurrences: 0,
    queuedAt: now,
    status: 'queued',
    reason: `retry ${ticket.attempt} of ${policy.retries}, after the run ended ${status}`,
    notBefore: now + backoffMs(policy, ticket.attempt),
    lease: null,
  };
}

function followerRun(ended: EndedRun, follower: Follower, now: number): NewRun {
  return {
    id: orderedId(now),
    taskId: follower.taskId,
    ownerId: follower.ownerId,
    triggerId: follower.triggerId,
    cause: 'after-task',
    scheduledFor: null,
    occurrences: 1,
    attempt: 1,
    retryOf: null,
    parameters: {},
    chain: [...ended.ticket.chain, follower.taskId],
    queuedAt: now,
    status: 'queued',
    reason: null,
    notBefore: now,
    lease: null,
  };
}

/** A follower's run, with the run whose end it follows (whose log says why it was left out). */
interface FollowerRun {
  run: NewRun;
  followedRunId: string;
}

/**
 * The followers their owners' runs per minute leave room for; one left out is noted in the
 * log of the run it would have followed. Retries are not counted, as scheduled runs are not.
 */
async function withinRunLimits(
  store: Store,
  followers: readonly FollowerRun[],
  now: number,
): Promise<NewRun[]> {
  const places = new Map<string, number>();
  for (const ownerId of new Set(followers.map(({ run }) => run.ownerId))) {
    places.set(ownerId, await freeRunPlaces(store, ownerId, now));
  }
  const kept: NewRun[] = [];
  for (const { run, followedRunId } of followers) {
    const left = places.get(run.ownerId) ?? 0;
    places.set(run.ownerId, left - 1);
    if (left > 0) {
      kept.push(run);
      continue;
    }
    const line = `${new Date(now).toISOString()} WARN  after-task: not starting task ${run.taskId}: its owner started as many runs in the last minute as this server allows\n`;
    await store.runs.appendLog(followedRunId, line);
  }
  return kept;
}

/**
 * What follows the ends of runs, in the transaction that wrote them: a retry per policy;
 * otherwise the after-task triggers of the same owner's tasks, except those already in the
 * chain (a loop ends there, noted in the log); and the next waiting run of the task may start.
 * Returns whether runs were queued.
 */
export async function followEnds(
  store: Store,
  ended: readonly EndedRun[],
  now: number,
): Promise<boolean> {
  if (ended.length === 0) return false;
  // A claim of these tasks running meanwhile may be parking a waiting run: let it commit
  // first, so that the release below sees the parked run.
  await store.tasks.lock(ended.map((run) => run.ticket.taskId));
  const queued: NewRun[] = [];
  const final: EndedRun[] = [];
  for (const run of ended) {
    const retry = retryOf(run, now);
    if (retry) queued.push(retry);
    else final.push(run);
  }
  const following: FollowerRun[] = [];
  const followers = await store.triggers.followersOf([
    ...new Set(final.map((run) => run.ticket.taskId)),
  ]);
  for (const run of final) {
    for (const follower of followers) {
      const { ticket } = run;
      if (follower.followsTaskId !== ticket.taskId || follower.ownerId !== ticket.ownerId) continue;
      if (!followsOutcome(follower.on, run.status)) continue;
      if (ticket.chain.includes(follower.taskId)) {
        const line = `${new Date(now).toISOString()} WARN  after-task: not starting task ${follower.taskId}: it already ran in this chain (a loop)\n`;
        await store.runs.appendLog(ticket.id, line);
      } else {
        following.push({ run: followerRun(run, follower, now), followedRunId: ticket.id });
      }
    }
  }
  if (following.length > 0) queued.push(...(await withinRunLimits(store, following, now)));
  await store.runs.insertMany(queued);
  const serial = ended
    .filter((run) => run.policy.overlap !== 'parallel')
    .map((run) => run.ticket.taskId);
  const released = await store.runs.releaseWaiting([...new Set(serial)], now);
  return queued.length > 0 || released > 0;
}
