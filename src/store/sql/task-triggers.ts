import { sql, type Kysely, type Selectable } from 'kysely';
import { chunksOf } from './chunks.ts';
import type { DialectTraits } from './traits.ts';
import type { Follower, StoredTrigger, TriggerRepository } from '../store.ts';
import type { Database } from './schema.ts';
import type { FollowSpec } from '../../domain/follows.ts';

function fromRow(row: Selectable<Database['task_triggers']>): StoredTrigger {
  return {
    taskId: row.task_id,
    triggerId: row.trigger_id,
    kind: row.kind,
    fingerprint: row.fingerprint,
    nextFireAt: row.next_fire_at,
    follows: row.follows === null ? null : (JSON.parse(row.follows) as FollowSpec),
  };
}

/** The triggers of enabled tasks, with the next fire time of the scheduled ones. */
export class SqlTriggerRepository implements TriggerRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: DialectTraits,
  ) {}

  async forTask(taskId: string): Promise<StoredTrigger[]> {
    const rows = await this.db
      .selectFrom('task_triggers')
      .selectAll()
      .where('task_id', '=', taskId)
      .execute();
    return rows.map(fromRow);
  }

  async replaceForTask(taskId: string, triggers: readonly StoredTrigger[]): Promise<void> {
    await this.db.deleteFrom('task_triggers').where('task_id', '=', taskId).execute();
    await this.db.deleteFrom('task_trigger_follows').where('task_id', '=', taskId).execute();
    if (triggers.length === 0) return;
    const follows = triggers.flatMap((trigger) =>
      [...new Set(trigger.follows?.taskIds ?? [])].map((followed) => ({
        task_id: trigger.taskId,
        trigger_id: trigger.triggerId,
        follows_task_id: followed,
      })),
    );
    if (follows.length > 0)
      await this.db.insertInto('task_trigger_follows').values(follows).execute();
    await this.db
      .insertInto('task_triggers')
      .values(
        triggers.map((trigger) => ({
          task_id: trigger.taskId,
          trigger_id: trigger.triggerId,
          kind: trigger.kind,
          fingerprint: trigger.fingerprint,
          next_fire_at: trigger.nextFireAt,
          follows: trigger.follows ? JSON.stringify(trigger.follows) : null,
        })),
      )
      .execute();
  }

  async dueTaskIds(now: number, limit: number): Promise<string[]> {
    let select = this.db
      .selectFrom('task_triggers')
      .select('task_id')
      .where('next_fire_at', '<=', now)
      .orderBy('next_fire_at')
      .limit(limit);
    // Another node's claim holds its rows: pass over them rather than collide.
    if (this.traits.skipLockedRows) select = select.forUpdate().skipLocked();
    const rows = await select.execute();
    return [...new Set(rows.map((row) => row.task_id))];
  }

  async ofTasks(taskIds: readonly string[]): Promise<StoredTrigger[]> {
    if (taskIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('task_triggers')
      .selectAll()
      .where('task_id', 'in', taskIds)
      .execute();
    return rows.map(fromRow);
  }

  async setNextFire(
    updates: ReadonlyArray<{ taskId: string; triggerId: string; nextFireAt: number | null }>,
  ): Promise<void> {
    // One statement per chunk: a claim advances hundreds of triggers at once.
    for (const chunk of chunksOf(updates, 1000)) {
      const rows = sql.join(
        chunk.map(
          (update) =>
            sql`(${update.taskId}, ${update.triggerId}, cast(${update.nextFireAt} as bigint))`,
        ),
      );
      await sql`update task_triggers set next_fire_at = v.column3
        from (values ${rows}) as v
        where task_triggers.task_id = v.column1 and task_triggers.trigger_id = v.column2`.execute(
        this.db,
      );
    }
  }

  async rewind(
    updates: ReadonlyArray<{ taskId: string; triggerId: string; to: number }>,
  ): Promise<void> {
    for (const chunk of chunksOf(updates, 1000)) {
      const rows = sql.join(
        chunk.map(
          (update) => sql`(${update.taskId}, ${update.triggerId}, cast(${update.to} as bigint))`,
        ),
      );
      await sql`update task_triggers set next_fire_at = v.column3
        from (values ${rows}) as v
        where task_triggers.task_id = v.column1 and task_triggers.trigger_id = v.column2
          and (task_triggers.next_fire_at is null or task_triggers.next_fire_at > v.column3)`.execute(
        this.db,
      );
    }
  }

  async earliestFire(): Promise<number | null> {
    const row = await this.db
      .selectFrom('task_triggers')
      .select((eb) => eb.fn.min('next_fire_at').as('earliest'))
      // Lets SQLite answer from the partial index of fire times.
      .where('next_fire_at', 'is not', null)
      .executeTakeFirst();
    return row?.earliest ?? null;
  }

  async nextFireOf(taskIds: readonly string[]): Promise<Map<string, number>> {
    if (taskIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('task_triggers')
      .select(['task_id', (eb) => eb.fn.min('next_fire_at').as('next')])
      .where('task_id', 'in', taskIds)
      .where('next_fire_at', 'is not', null)
      .groupBy('task_id')
      .execute();
    return new Map(rows.flatMap((row) => (row.next === null ? [] : [[row.task_id, row.next]])));
  }

  async followersOf(taskIds: readonly string[]): Promise<Follower[]> {
    if (taskIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('task_trigger_follows as f')
      .innerJoin('task_triggers as t', (join) =>
        join.onRef('t.task_id', '=', 'f.task_id').onRef('t.trigger_id', '=', 'f.trigger_id'),
      )
      .innerJoin('tasks', 'tasks.id', 't.task_id')
      .select(['t.task_id', 't.trigger_id', 't.follows', 'tasks.owner_id'])
      .distinct()
      .where('f.follows_task_id', 'in', taskIds)
      .where('t.follows', 'is not', null)
      .execute();
    return rows.map((row) => ({
      taskId: row.task_id,
      triggerId: row.trigger_id,
      ownerId: row.owner_id,
      follows: JSON.parse(row.follows ?? 'null') as FollowSpec,
    }));
  }

  async withKinds(kinds: readonly string[]): Promise<StoredTrigger[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db
      .selectFrom('task_triggers')
      .selectAll()
      .where('kind', 'in', kinds)
      .execute();
    return rows.map(fromRow);
  }
}
