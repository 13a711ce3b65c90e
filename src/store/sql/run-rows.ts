import type { Insertable, Selectable } from 'kysely';
import type { ReasonCode, RunReason } from '../../domain/reason-codes.ts';
import type { Run, RunCause, RunStatus } from '../../domain/run.ts';
import type { RunEntry } from '../../domain/run-state.ts';
import type { HeldRun, NewRun, RunTicket } from '../store.ts';
import { readFlag, writeFlag, type Database } from './schema.ts';

/** A stored run as read from the runs table. */
export type RunRow = Selectable<Database['runs']>;

/** The columns a Run is read from: every one of the runs table but its log. */
export const RUN_COLUMNS = [
  'runs.id',
  'runs.task_id',
  'runs.owner_id',
  'runs.trigger_id',
  'runs.cause',
  'runs.scheduled_for',
  'runs.occurrences',
  'runs.queued_at',
  'runs.started_at',
  'runs.finished_at',
  'runs.status',
  'runs.state',
  'runs.reason',
  'runs.reason_code',
  'runs.attempt',
  'runs.retry_of',
  'runs.node',
  'runs.lease_token',
  'runs.lease_expires_at',
  'runs.not_before',
  'runs.cancel_requested',
  'runs.parameters',
  'runs.chain',
  'runs.items',
  'runs.results',
] as const;

export function ticketOf(row: RunRow): RunTicket {
  return {
    id: row.id,
    taskId: row.task_id,
    ownerId: row.owner_id,
    triggerId: row.trigger_id,
    cause: row.cause as RunCause,
    scheduledFor: row.scheduled_for,
    attempt: row.attempt,
    retryOf: row.retry_of,
    parameters: JSON.parse(row.parameters) as Record<string, string>,
    chain: JSON.parse(row.chain) as string[],
  };
}

const date = (millis: number | null): Date | null => (millis === null ? null : new Date(millis));

export function runOf(row: Omit<RunRow, 'log'> & { task_name: string }): Run {
  return {
    id: row.id,
    taskId: row.task_id,
    taskName: row.task_name,
    ownerId: row.owner_id,
    triggerId: row.trigger_id,
    cause: row.cause as RunCause,
    scheduledFor: date(row.scheduled_for),
    occurrences: row.occurrences,
    queuedAt: new Date(row.queued_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    status: row.status as RunStatus,
    reasonCode: row.reason_code as ReasonCode | null,
    reason: row.reason,
    attempt: row.attempt,
    retryOf: row.retry_of,
    node: row.node,
    cancelRequested: readFlag(row.cancel_requested),
    parameters: JSON.parse(row.parameters) as Record<string, string>,
    chain: JSON.parse(row.chain) as string[],
    items: JSON.parse(row.items) as Run['items'],
    results: JSON.parse(row.results) as Run['results'],
  };
}

export function heldRunOf(row: RunRow): HeldRun {
  return {
    ...ticketOf(row),
    leaseToken: row.lease_token ?? '',
    node: row.node,
    leaseExpiresAt: row.lease_expires_at ?? 0,
  };
}

/** The columns of a run's reason: its detail and its code. */
export function reasonColumns(why: RunReason) {
  return { reason: why.reason, reason_code: why.reasonCode };
}

/** The status a new run is stored with. */
function entryStatus(entry: RunEntry): RunStatus {
  if (entry.state === 'skipped' || entry.state === 'failed' || entry.state === 'running')
    return entry.state;
  return 'queued';
}

/** The columns that follow from the state a new run enters the queue in. */
function entryColumns(entry: RunEntry, queuedAt: number) {
  const lease = 'lease' in entry ? entry.lease : null;
  const endedAtOnce = entry.state === 'skipped' || entry.state === 'failed';
  return {
    state: endedAtOnce ? ('ended' as const) : entry.state,
    status: entryStatus(entry),
    started_at: entry.state === 'running' ? queuedAt : null,
    finished_at: endedAtOnce ? queuedAt : null,
    not_before: 'notBefore' in entry ? entry.notBefore : null,
    node: lease?.node ?? null,
    lease_token: lease?.token ?? null,
    lease_expires_at: lease?.expiresAt ?? null,
  };
}

export function rowOf(run: NewRun): Insertable<Database['runs']> {
  return {
    id: run.id,
    task_id: run.taskId,
    owner_id: run.ownerId,
    trigger_id: run.triggerId,
    cause: run.cause,
    scheduled_for: run.scheduledFor,
    occurrences: run.occurrences,
    queued_at: run.queuedAt,
    ...reasonColumns(run),
    attempt: run.attempt,
    retry_of: run.retryOf,
    parameters: JSON.stringify(run.parameters),
    chain: JSON.stringify(run.chain),
    cancel_requested: writeFlag(false),
    items: '[]',
    results: '[]',
    log: '',
    ...entryColumns(run.entry, run.queuedAt),
  };
}
