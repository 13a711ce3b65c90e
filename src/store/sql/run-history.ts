import { sql, type Kysely } from 'kysely';
import { MAX_RUN_LOG_CHARS } from '../../domain/run.ts';
import { FAILURE_STATUSES, type Run, type RunListQuery, type RunStatus } from '../../domain/run.ts';
import type { TaskPolicy } from '../../domain/task.ts';
import type { Artifact, Page, RunHistory } from '../store.ts';
import { decodeCursor, toPage } from './cursor.ts';
import { RUN_COLUMNS, runOf } from './run-rows.ts';
import type { Database } from './schema.ts';
import { inScope } from './task-grants.ts';

const DAY_MS = 86_400_000;
const FAILURES = FAILURE_STATUSES as RunStatus[];

/**
 * The smallest run id of a run queued at or after `since`: an id carries its time first, never
 * earlier than the run's queue time (see orderedId), so the owner's index reads only the recent runs.
 */
function idFloor(since: number): string {
  const hex = Math.max(0, Math.floor(since)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** The runs' history in a SQL database, shared by both dialects. */
export class SqlRunHistory implements RunHistory {
  constructor(private readonly db: Kysely<Database>) {}

  #select() {
    return this.db
      .selectFrom('runs')
      .innerJoin('tasks', 'tasks.id', 'runs.task_id')
      .select([...RUN_COLUMNS, 'tasks.name as task_name']);
  }

  async get(id: string): Promise<Run | undefined> {
    const row = await this.#select().where('runs.id', '=', id).executeTakeFirst();
    return row && runOf(row);
  }

  async list(query: RunListQuery): Promise<Page<Run>> {
    let select = this.#select();
    // Runs belong to whoever owns their task now, as the task itself does.
    select = select.where((eb) => inScope(eb, query.scope));
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

  async appendLog(id: string, text: string): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ log: sql<string>`log || ${text}` })
      .where('id', '=', id)
      // Notes written later (mail delivery, interruptions) keep to the log's limit too.
      .where(sql<boolean>`length(log) + ${text.length} <= ${MAX_RUN_LOG_CHARS}`)
      .execute();
  }

  async lastEndsOf(
    taskIds: readonly string[],
    since: number,
  ): Promise<Map<string, { status: RunStatus; finishedAt: number }>> {
    const ends = new Map<string, { status: RunStatus; finishedAt: number }>();
    for (const taskId of new Set(taskIds)) {
      const row = await this.db
        .selectFrom('runs')
        .select(['status', 'finished_at'])
        .where('task_id', '=', taskId)
        .where('finished_at', '>=', since)
        .where('status', 'not in', ['queued', 'running', 'skipped'])
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (row?.finished_at != null) {
        ends.set(taskId, { status: row.status as RunStatus, finishedAt: row.finished_at });
      }
    }
    return ends;
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

  async latestOfTrigger(taskId: string, triggerId: string): Promise<Run | undefined> {
    const row = await this.#select()
      .where('runs.task_id', '=', taskId)
      .where('runs.trigger_id', '=', triggerId)
      .orderBy('runs.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && runOf(row);
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
      .where('state', '=', 'ended')
      .where('status', 'not in', FAILURES)
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
