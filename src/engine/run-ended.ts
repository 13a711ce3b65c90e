import { FAILURE_STATUSES, type RunStatus } from '../domain/run.ts';
import type { FollowOutcome } from '../domain/follows.ts';
import { predecessorParameters } from '../domain/predecessor.ts';
import type { RunNotices } from '../domain/run-notices.ts';
import type { TaskPolicy } from '../domain/task.ts';
import type { FinalEnd, Noticer } from '../notices/noticer.ts';
import type { Follower, NewRun, RunTicket, Store } from '../store/store.ts';
import { freeRunPlaces } from './enqueue.ts';
import { newRun } from './new-run.ts';
import { overlapRule } from './overlap-policy.ts';
import { retryRun } from './retry-policy.ts';

/** A run whose end was just written. */
export interface EndedRun {
  ticket: RunTicket;
  policy: TaskPolicy;
  /** The task's own failure notices as it ran; null: the server's default. */
  notices: RunNotices | null;
  /** The task's name as it ran, for the runs that follow it. */
  taskName: string;
  status: RunStatus;
  reason: string | null;
}

function finalEnd({ ticket, notices, status }: EndedRun): FinalEnd {
  return { runId: ticket.id, taskId: ticket.taskId, ownerId: ticket.ownerId, status, notices };
}

function followsOutcome(on: FollowOutcome, status: RunStatus): boolean {
  if (status === 'skipped') return false;
  if (on === 'success') return status === 'succeeded';
  if (on === 'failure') return FAILURE_STATUSES.includes(status);
  return true;
}

function followerRun(ended: EndedRun, follower: Follower, now: number): NewRun {
  const { ticket, taskName, status, reason } = ended;
  const before = { taskId: ticket.taskId, taskName, runId: ticket.id, status, reason };
  return newRun(
    {
      taskId: follower.taskId,
      ownerId: follower.ownerId,
      triggerId: follower.triggerId,
      cause: 'after-task',
      parameters: predecessorParameters(before),
      chain: [...ticket.chain, follower.taskId],
    },
    { state: 'ready', notBefore: now },
    now,
  );
}

/**
 * Whether every other task an all-of follower names has ended as it asks within its window and
 * since the follower last ran from that trigger. The follower is locked first, so that two
 * nodes writing the last two ends at once see each other's (the second one starts it).
 */
async function allOthersEnded(
  store: Store,
  follower: Follower,
  endedTaskId: string,
  now: number,
  completed: Set<string>,
): Promise<boolean> {
  const key = `${follower.taskId}/${follower.triggerId}`;
  if (completed.has(key)) return false;
  await store.tasks.lock([follower.taskId]);
  const last = await store.runs.latestOfTrigger(follower.taskId, follower.triggerId);
  const since = Math.max(now - follower.follows.windowMs, (last?.queuedAt.getTime() ?? 0) + 1);
  const others = follower.follows.taskIds.filter((id) => id !== endedTaskId);
  const ends = await store.runs.lastEndsOf(others, since);
  const done = others.every((id) => {
    const end = ends.get(id);
    return end !== undefined && followsOutcome(follower.follows.on, end.status);
  });
  if (done) completed.add(key);
  return done;
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
 * otherwise its failure notice (if any) and the after-task triggers of the same owner's tasks,
 * except those already in the chain (a loop ends there, noted in the log); and the next waiting
 * run of the task may start. Returns whether runs were queued.
 */
export async function followEnds(
  store: Store,
  ended: readonly EndedRun[],
  now: number,
  noticer: Noticer,
): Promise<boolean> {
  if (ended.length === 0) return false;
  // A claim of these tasks running meanwhile may be parking a waiting run: let it commit
  // first, so that the release below sees the parked run.
  await store.tasks.lock(ended.map((run) => run.ticket.taskId));
  const queued: NewRun[] = [];
  const final: EndedRun[] = [];
  for (const run of ended) {
    const retry = retryRun(run.ticket, run.policy, run.status, now);
    if (retry) queued.push(retry);
    else final.push(run);
  }
  await noticer.notice(store, final.map(finalEnd), now);
  const following: FollowerRun[] = [];
  const followers = await store.triggers.followersOf([
    ...new Set(final.map((run) => run.ticket.taskId)),
  ]);
  // A follower of all of several tasks starts once per batch of ends, however many it holds.
  const completed = new Set<string>();
  for (const run of final) {
    for (const follower of followers) {
      const { ticket } = run;
      const { follows } = follower;
      if (!follows.taskIds.includes(ticket.taskId) || follower.ownerId !== ticket.ownerId) continue;
      if (!followsOutcome(follows.on, run.status)) continue;
      if (follows.all && !(await allOthersEnded(store, follower, ticket.taskId, now, completed))) {
        continue;
      }
      if (ticket.chain.includes(follower.taskId)) {
        const line = `${new Date(now).toISOString()} WARN  after-task: not starting task ${follower.taskId}: it already ran in this chain (a loop)\n`;
        await store.runs.appendLog(ticket.id, line);
      } else {
        following.push({ run: followerRun(run, follower, now), followedRunId: ticket.id });
      }
    }
  }
  if (following.length > 0) queued.push(...(await withinRunLimits(store, following, now)));
  await store.queue.insert(queued);
  const serial = ended.filter((run) => overlapRule(run.policy).serial);
  const released = await store.queue.release(
    [...new Set(serial.map((run) => run.ticket.taskId))],
    now,
  );
  return queued.length > 0 || released > 0;
}
