import { sql } from 'kysely';
import type { DialectTraits } from '../sql/traits.ts';
import { chunksOf } from '../sql/chunks.ts';
import { migrations } from './migrations.ts';

/** PostgreSQL: migrations wait on an advisory lock per schema. */
export const postgresTraits: DialectTraits = {
  name: 'postgres',
  migrations,
  lockMigrations: async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('taskplanner.migrate.' || current_schema()))`.execute(
      trx,
    );
  },
  skipLockedRows: true,
  shared: true,
  currentTime: async (db) => {
    const { rows } = await sql<{
      now: string;
    }>`select (extract(epoch from clock_timestamp()) * 1000)::bigint as now`.execute(db);
    return Number(rows[0]?.now);
  },
  isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === '23505',
  // Nodes claim disjoint sets of tasks; ordered locking cannot deadlock with another claimer.
  lockTasksSkippingLocked: async (db, taskIds) => {
    if (taskIds.length === 0) return [];
    const rows = await db
      .selectFrom('tasks')
      .select('id')
      .where('id', 'in', taskIds)
      .orderBy('id')
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((row) => row.id);
  },
  // In id order, as claimers take them, so two lockers wait in line rather than deadlock.
  lockTasks: async (db, taskIds) => {
    for (const chunk of chunksOf([...new Set(taskIds)].sort(), 1000)) {
      await db
        .selectFrom('tasks')
        .select('id')
        .where('id', 'in', chunk)
        .orderBy('id')
        .forUpdate()
        .execute();
    }
  },
};
