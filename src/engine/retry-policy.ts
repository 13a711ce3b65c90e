import { because } from '../domain/reason-codes.ts';
import type { RunStatus } from '../domain/run.ts';
import type { TaskPolicy } from '../domain/task.ts';
import type { NewRun, RunTicket } from '../store/store.ts';
import { newRun } from './new-run.ts';

/** The statuses a run may end with. */
type EndStatus = Exclude<RunStatus, 'queued' | 'running'>;

/**
 * Which ends a task's retries follow: a failure that running again may cure. One rule per end
 * status, so a new status has to be decided here.
 */
export const RETRY_RULES: Readonly<Record<EndStatus, boolean>> = {
  failed: true,
  'timed-out': true,
  interrupted: true,
  // Some series items succeeded: running all again would repeat their effects.
  'partially-failed': false,
  succeeded: false,
  canceled: false,
  skipped: false,
};

const MAX_BACKOFF_MS = 7 * 86_400_000;

/** The delay before retry number `attempt` (1 for the first retry): doubling each time, up to 7 days. */
export function backoffMs(policy: TaskPolicy, attempt: number): number {
  return Math.min(policy.retryBackoffSeconds * 1000 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

/** The retry of a run that ended with this status, when its policy has one left; else null. */
export function retryRun(
  ticket: RunTicket,
  policy: TaskPolicy,
  status: RunStatus,
  now: number,
): NewRun | null {
  const retried = status !== 'queued' && status !== 'running' && RETRY_RULES[status];
  if (!retried || ticket.attempt > policy.retries) return null;
  const { taskId, ownerId, triggerId, cause, scheduledFor, parameters, chain } = ticket;
  return newRun(
    {
      ...{ taskId, ownerId, triggerId, cause, scheduledFor, parameters, chain },
      attempt: ticket.attempt + 1,
      retryOf: ticket.retryOf ?? ticket.id,
      // The first attempt accounts for the occurrence.
      occurrences: 0,
      why: because(
        'retry',
        `retry ${ticket.attempt} of ${policy.retries}, after the run ended ${status}`,
      ),
    },
    { state: 'ready', notBefore: now + backoffMs(policy, ticket.attempt) },
    now,
  );
}
