import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import {
  ACTIVE_STATUSES,
  FAILURE_STATUSES,
  type Run,
  type RunCause,
  type RunListQuery,
  type RunStatus,
} from '../../domain/run.ts';
import type { TaskPolicy } from '../../domain/task.ts';
import type {
  Artifact,
  HeldRun,
  Lease,
  LeaseHolders,
  NewRun,
  Page,
  RunEnd,
  RunRepository,
  RunTicket,
} from '../store.ts';
import { chunksOf } from './chunks.ts';
import type { DialectTraits } from './traits.ts';
import { decodeCursor, toPage } from './cursor.ts';
import { readFlag, writeFlag, type Database } from './schema.ts';

type RunRow = Selectable<Database['runs']>;
const DAY_MS = 86_400_000;
const FAILURES = FAILURE_STATUSES as RunStatus[];
const ACTIVE = ACTIVE_STATUSES as RunStatus[];
// Written out, not bound: SQLite uses a partial index only when it sees the constant.
const QUEUED = sql.lit<string>('queued');
const RUNNING = sql.lit<string>('running');
const ACTIVE_SQL = sql<boolean>`status in ('queued', 'running')`;

function ticketOf(row: RunRow): RunTicket {
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

function runOf(row: Omit<RunRow, 'log'> & { task_name: string }): Run {
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

function heldRunOf(row: RunRow): HeldRun {
  return {
    ...ticketOf(row),
    leaseToken: row.lease_token ?? '',
    node: row.node,
    leaseExpiresAt: row.lease_expires_at ?? 0,
  };
}

function rowOf(run: NewRun): Insertable<Database['runs']> {
  const startedAt = run.status === 'running' ? run.queuedAt : null;
  return {
    id: run.id,
    task_id: run.taskId,
    owner_id: run.ownerId,
    trigger_id: run.triggerId,
    cause: run.cause,
    scheduled_for: run.scheduledFor,
    occurrences: run.occurrences,
    queued_at: run.queuedAt,
    started_at: startedAt,
    finished_at: run.status === 'skipped' ? run.queuedAt : null,
    status: run.status,
    reason: run.reason,
    attempt: run.attempt,
    retry_of: run.retryOf,
    node: run.lease?.node ?? null,
    lease_token: run.lease?.token ?? null,
    lease_expires_at: run.lease?.expiresAt ?? null,
    not_before: run.notBefore,
    parameters: JSON.stringify(run.parameters),
    chain: JSON.stringify(run.chain),
    cancel_requested: writeFlag(false),
    items: '[]',
    results: '[]',
    log: '',
  };
}

/**
 * The smallest run id of a run queued at or after `since`: an id carries its time first, never
 * earlier than the run's queue time (see orderedId), so the owner's index reads only the recent runs.
 */
function idFloor(since: number): string {
  const hex = Math.max(0, Math.floor(since)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Runs in a SQL database, shared by both dialects. */
export class SqlRunRepository implements RunRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  #select() {
    return this.db
      .selectFrom('runs')
      .innerJoin('tasks', 'tasks.id', 'runs.task_id')
      .select([
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
        'runs.reason',
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
        'tasks.name as task_name',
      ]);
  }

  async insertMany(runs: readonly NewRun[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const chunk of chunksOf(runs, 500)) {
      const rows = await this.db
        .insertInto('runs')
        .values(chunk.map(rowOf))
        .onConflict((conflict) => conflict.doNothing())
        .returning('id')
        .execute();
      for (const row of rows) inserted.add(row.id);
    }
    return inserted;
  }

  async get(id: string): Promise<Run | undefined> {
    const row = await this.#select().where('runs.id', '=', id).executeTakeFirst();
    return row && runOf(row);
  }

  async list(query: RunListQuery): Promise<Page<Run>> {
    let select = this.#select();
    // Runs belong to whoever owns their task now, as the task itself does.
    if (query.ownerId !== null) select = select.where('tasks.owner_id', '=', query.ownerId);
    if (query.taskId !== undefined) select = select.where('runs.task_id', '=', query.taskId);
    if (query.status?.length) select = select.where('runs.status', 'in', query.status);
    if (query.from) select = select.where('runs.queued_at', '>=', query.from.getTime());
    if (query.to) select = select.where('runs.queued_at', '<', query.to.getTime());
    const scope = 'runs:newest';
    if (query.cursor !== undefined) {
      select = select.where('runs.id', '<', decodeCursor(query.cursor, scope, 'string').id);
    }
    const rows = await select
      .orderBy('runs.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return toPage(rows, query.limit, runOf, {
      scope,
      positionOf: (row) => ({ value: '', id: row.id }),
    });
  }

  async log(id: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .select('log')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.log;
  }

  async activity(
    taskIds: readonly string[],
    now: number,
  ): Promise<Map<string, { running: number; waiting: number; ready: number }>> {
    const activity = new Map<string, { running: number; waiting: number; ready: number }>();
    if (taskIds.length === 0) return activity;
    const rows = await this.db
      .selectFrom('runs')
      .select(['task_id', 'status', 'not_before', 'lease_token'])
      .where('task_id', 'in', taskIds)
      .where(ACTIVE_SQL)
      .execute();
    for (const row of rows) {
      const counts = activity.get(row.task_id) ?? { running: 0, waiting: 0, ready: 0 };
      // A run reserved by a node (claimed ahead) is as good as running.
      if (row.status === 'running' || row.lease_token !== null) counts.running += 1;
      else if (row.not_before === null) counts.waiting += 1;
      else if (row.not_before <= now) counts.ready += 1;
      activity.set(row.task_id, counts);
    }
    return activity;
  }

  async readyTaskIds(now: number, limit: number): Promise<string[]> {
    let select = this.db
      .selectFrom('runs')
      .select('task_id')
      .where('status', '=', QUEUED)
      .where('not_before', '<=', now)
      .where('lease_token', 'is', null)
      .orderBy('not_before')
      .limit(limit);
    // Another node's claim holds its rows: pass over them rather than collide.
    if (this.traits.skipLockedRows) select = select.forUpdate().skipLocked();
    const rows = await select.execute();
    return [...new Set(rows.map((row) => row.task_id))];
  }

  async ready(taskIds: readonly string[], now: number, limit: number): Promise<RunTicket[]> {
    if (taskIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('task_id', 'in', taskIds)
      .where('status', '=', QUEUED)
      .where('not_before', '<=', now)
      .where('lease_token', 'is', null)
      .orderBy('not_before')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(ticketOf);
  }

  async tickets(ids: readonly string[]): Promise<RunTicket[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('runs').selectAll().where('id', 'in', ids).execute();
    return rows.map(ticketOf);
  }

  async appendLog(id: string, text: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ log: sql<string>`log || ${text}` })
      .where('id', '=', id)
      .execute();
  }

  async start(ids: readonly string[], lease: Lease, now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('runs')
      .set({
        status: 'running',
        started_at: now,
        node: lease.node,
        lease_token: lease.token,
        lease_expires_at: lease.expiresAt,
      })
      .where('id', 'in', ids)
      .where('status', '=', QUEUED)
      .execute();
  }

  async begin(ids: readonly string[], leaseToken: string, now: number): Promise<Set<string>> {
    const begun = new Set<string>();
    for (const chunk of chunksOf(ids, 1000)) {
      const rows = await this.db
        .updateTable('runs')
        .set({ status: 'running', started_at: now })
        .where('id', 'in', chunk)
        .where('status', '=', QUEUED)
        .where('lease_token', '=', leaseToken)
        .returning('id')
        .execute();
      for (const row of rows) begun.add(row.id);
    }
    return begun;
  }

  async withdraw(reservations: ReadonlyArray<{ id: string; leaseToken: string }>) {
    const withdrawn = new Set<string>();
    for (const token of new Set(reservations.map((each) => each.leaseToken))) {
      const ids = reservations.filter((each) => each.leaseToken === token).map((each) => each.id);
      for (const chunk of chunksOf(ids, 1000)) {
        const rows = await this.db
          .deleteFrom('runs')
          .where('id', 'in', chunk)
          .where('status', '=', QUEUED)
          .where('lease_token', '=', token)
          .returning('id')
          .execute();
        for (const row of rows) withdrawn.add(row.id);
      }
    }
    return withdrawn;
  }

  async park(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('runs')
      .set({ not_before: null })
      .where('id', 'in', ids)
      .where('status', '=', QUEUED)
      .execute();
  }

  async releaseWaiting(taskIds: readonly string[], now: number): Promise<number> {
    if (taskIds.length === 0) return 0;
    const oldest = this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.min('id').as('id'))
      .where('task_id', 'in', taskIds)
      .where('status', '=', QUEUED)
      .where('not_before', 'is', null)
      .groupBy('task_id');
    const result = await this.db
      .updateTable('runs')
      .set({ not_before: now })
      .where('id', 'in', oldest)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async earliestReady(): Promise<number | null> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.min('not_before').as('earliest'))
      .where('status', '=', QUEUED)
      .where('lease_token', 'is', null)
      .executeTakeFirst();
    return row?.earliest ?? null;
  }

  async finish(ends: readonly RunEnd[]): Promise<Set<string>> {
    const written = new Set<string>();
    // One statement per chunk; a run whose lease another node took is left as it is.
    for (const chunk of chunksOf(ends, 500)) {
      const rows = sql.join(
        chunk.map(
          (end) =>
            sql`(${end.id}, ${end.leaseToken}, ${end.status}, ${end.reason}, cast(${end.finishedAt} as bigint), ${JSON.stringify(end.items)}, ${JSON.stringify(end.results)}, ${end.log})`,
        ),
      );
      const result = await sql<{ id: string }>`update runs set
          status = v.column3,
          reason = coalesce(v.column4, reason),
          finished_at = v.column5,
          items = v.column6,
          results = v.column7,
          log = v.column8,
          lease_expires_at = null
        from (values ${rows}) as v
        where runs.id = v.column1 and runs.lease_token = v.column2 and runs.status = 'running'
        returning id`.execute(this.db);
      for (const row of result.rows) written.add(row.id);
    }
    return written;
  }

  async saveLog(id: string, leaseToken: string, log: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ log })
      .where('id', '=', id)
      .where('status', '=', RUNNING)
      .where('lease_token', '=', leaseToken)
      .execute();
  }

  async renewLeases(token: string, expiresAt: number) {
    const rows = await this.db
      .updateTable('runs')
      .set({ lease_expires_at: expiresAt })
      .where('lease_token', '=', token)
      .where(ACTIVE_SQL)
      .returning(['id', 'cancel_requested'])
      .execute();
    return {
      renewed: new Set(rows.map((row) => row.id)),
      cancel: rows.filter((row) => readFlag(row.cancel_requested)).map((row) => row.id),
    };
  }

  async running(holders: LeaseHolders, limit: number): Promise<HeldRun[]> {
    return this.#held(RUNNING, holders, limit);
  }

  async reserved(holders: LeaseHolders, limit: number): Promise<HeldRun[]> {
    return this.#held(QUEUED, holders, limit);
  }

  async reservationsOf(taskId: string): Promise<HeldRun[]> {
    const rows = await this.#leased(QUEUED).where('task_id', '=', taskId).execute();
    return rows.map(heldRunOf);
  }

  async #held(status: typeof RUNNING, holders: LeaseHolders, limit: number): Promise<HeldRun[]> {
    let select = this.#leased(status);
    if ('expiredBefore' in holders) {
      select = select.where('lease_expires_at', '<', holders.expiredBefore);
    } else {
      select = select.where('lease_token', '!=', holders.exceptToken);
      if (holders.node !== null) select = select.where('node', '=', holders.node);
    }
    const rows = await select.orderBy('lease_expires_at').limit(limit).execute();
    return rows.map(heldRunOf);
  }

  #leased(status: typeof RUNNING) {
    return this.db
      .selectFrom('runs')
      .selectAll()
      .where('status', '=', status)
      .where('lease_token', 'is not', null);
  }

  async interrupt(id: string, leaseToken: string, now: number, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('runs')
      .set({ status: 'interrupted', reason, finished_at: now, lease_expires_at: null })
      .where('id', '=', id)
      .where('status', '=', RUNNING)
      .where('lease_token', '=', leaseToken)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async cancel(id: string, now: number): Promise<RunStatus | undefined> {
    const row = await this.db
      .selectFrom('runs')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.status === 'queued') {
      await this.db
        .updateTable('runs')
        .set({ status: 'canceled', reason: 'canceled before it started', finished_at: now })
        .where('id', '=', id)
        .where('status', '=', QUEUED)
        .execute();
    } else if (row.status === 'running') {
      await this.db
        .updateTable('runs')
        .set({ cancel_requested: writeFlag(true) })
        .where('id', '=', id)
        .execute();
    }
    return row.status as RunStatus;
  }

  async latestOf(taskIds: readonly string[]): Promise<Map<string, Run>> {
    if (taskIds.length === 0) return new Map();
    const newest = this.db
      .selectFrom('runs as newest')
      .select((eb) => eb.fn.max('newest.id').as('id'))
      .where('newest.task_id', 'in', taskIds)
      .groupBy('newest.task_id');
    const rows = await this.#select().where('runs.id', 'in', newest).execute();
    return new Map(rows.map((row) => [row.task_id, runOf(row)]));
  }

  async prune(taskId: string, policy: TaskPolicy, now: number): Promise<number> {
    const failedBefore = now - policy.keepFailedDays * DAY_MS;
    const failed = await this.db
      .deleteFrom('runs')
      .where('task_id', '=', taskId)
      .where('status', 'in', FAILURES)
      .where('queued_at', '<', failedBefore)
      .executeTakeFirst();
    const cutoff = await this.db
      .selectFrom('runs')
      .select('id')
      .where('task_id', '=', taskId)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(policy.keepRuns - 1)
      .executeTakeFirst();
    const keptFrom = now - policy.keepDays * DAY_MS;
    const others = await this.db
      .deleteFrom('runs')
      .where('task_id', '=', taskId)
      .where('status', 'not in', [...FAILURES, ...ACTIVE])
      .where((eb) =>
        cutoff
          ? eb.or([eb('queued_at', '<', keptFrom), eb('id', '<', cutoff.id)])
          : eb('queued_at', '<', keptFrom),
      )
      .executeTakeFirst();
    return Number(failed.numDeletedRows + others.numDeletedRows);
  }

  async addArtifact(artifact: Artifact): Promise<void> {
    await this.db
      .insertInto('run_artifacts')
      .values({
        id: artifact.id,
        run_id: artifact.runId,
        name: artifact.name,
        media_type: artifact.mediaType,
        size: artifact.content.length,
        content: artifact.content,
        permission: artifact.permission,
      })
      .execute();
  }

  async unscheduledSince(
    ownerId: string,
    since: number,
  ): Promise<{ count: number; earliest: number | null }> {
    const row = await this.db
      .selectFrom('runs')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.min<number | string | null>('queued_at').as('earliest'),
      ])
      .where('owner_id', '=', ownerId)
      .where('id', '>=', idFloor(since))
      .where('queued_at', '>=', since)
      .where('cause', '<>', 'schedule')
      .where('attempt', '=', 1)
      .executeTakeFirstOrThrow();
    return {
      count: Number(row.count),
      earliest: row.earliest === null ? null : Number(row.earliest),
    };
  }

  async artifactBytesOf(ownerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('run_artifacts')
      .innerJoin('runs', 'runs.id', 'run_artifacts.run_id')
      .select((eb) => eb.fn.sum<number | string | null>('run_artifacts.size').as('bytes'))
      .where('runs.owner_id', '=', ownerId)
      .executeTakeFirstOrThrow();
    return Number(row.bytes ?? 0);
  }

  async artifact(runId: string, artifactId: string): Promise<Artifact | undefined> {
    const row = await this.db
      .selectFrom('run_artifacts')
      .selectAll()
      .where('run_id', '=', runId)
      .where('id', '=', artifactId)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        runId: row.run_id,
        name: row.name,
        mediaType: row.media_type,
        content: Buffer.from(row.content),
        permission: row.permission,
      }
    );
  }
}
