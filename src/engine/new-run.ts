import { orderedId } from '../domain/ordered-id.ts';
import type { RunEntry } from '../domain/run-state.ts';
import type { RunCause } from '../domain/run.ts';
import type { NewRun } from '../store/store.ts';
import { NO_REASON, type RunReason } from '../domain/reason-codes.ts';

/** What a new run is for; absent fields take the values of a first attempt started once. */
export interface RunFacts {
  taskId: string;
  ownerId: string;
  triggerId: string | null;
  cause: RunCause;
  /** The after-task chain that led here, this task last. */
  chain: string[];
  /** The occurrence it stands for (scheduled, or an event's key); default none. */
  scheduledFor?: number | null;
  /** Default 1 (see Run.occurrences). */
  occurrences?: number;
  attempt?: number;
  retryOf?: string | null;
  parameters?: Record<string, string>;
  /** Why it is queued or recorded so (a note, why it was not run); default none. */
  why?: RunReason;
}

/**
 * A new run of any cause, queued at now with an id made now, in the state it enters the queue
 * in: the only place a run is built, for a schedule, a request, a retry, a follower, a skip or a
 * trigger's problem.
 */
export function newRun(
  { why = NO_REASON, ...facts }: RunFacts,
  entry: RunEntry,
  now: number,
): NewRun {
  return {
    scheduledFor: null,
    occurrences: 1,
    attempt: 1,
    retryOf: null,
    parameters: {},
    ...facts,
    ...why,
    id: orderedId(now),
    queuedAt: now,
    entry,
  };
}
