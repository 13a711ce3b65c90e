import type { Run } from '../domain/run.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A run as the API shows it. */
export function runView(run: Run) {
  const ended = run.finishedAt ?? null;
  return {
    id: run.id,
    taskId: run.taskId,
    taskName: run.taskName,
    ownerId: run.ownerId,
    triggerId: run.triggerId,
    cause: run.cause,
    status: run.status,
    reasonCode: run.reasonCode,
    reason: run.reason,
    attempt: run.attempt,
    retryOf: run.retryOf,
    node: run.node,
    cancelRequested: run.cancelRequested,
    scheduledFor: iso(run.scheduledFor),
    occurrences: run.occurrences,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.startedAt && ended ? ended.getTime() - run.startedAt.getTime() : null,
    lateMs:
      run.startedAt && run.scheduledFor
        ? run.startedAt.getTime() - run.scheduledFor.getTime()
        : null,
    parameters: run.parameters,
    chain: run.chain,
    items: run.items,
    results: run.results,
  };
}

/** The short form of a task's last run, for the task list. */
export function lastRunView(run: Run | null) {
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    cause: run.cause,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}
