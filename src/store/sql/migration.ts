import { sql, type Kysely } from 'kysely';

/** One forward-only schema change: plain SQL statements of one dialect. */
export interface Migration {
  id: string;
  statements: readonly string[];
}

/** How a dialect keeps two processes from migrating at the same time. */
export type MigrationLock = <DB>(trx: Kysely<DB>) => Promise<void>;

/**
 * Applies the migrations not yet recorded, all in one transaction taken under the
 * dialect's lock, so a second process waits and then finds nothing left to do.
 */
export async function applyMigrations<DB>(
  db: Kysely<DB>,
  migrations: readonly Migration[],
  lock: MigrationLock,
  now: () => number,
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await lock(trx);
    await sql`create table if not exists schema_migrations (id text primary key, applied_at bigint not null)`.execute(
      trx,
    );
    const done = await sql<{ id: string }>`select id from schema_migrations`.execute(trx);
    const applied = new Set(done.rows.map((row) => row.id));
    const pending = migrations.filter((migration) => !applied.has(migration.id));
    for (const migration of pending) {
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await sql`insert into schema_migrations (id, applied_at) values (${migration.id}, ${now()})`.execute(
        trx,
      );
    }
    return pending.map((migration) => migration.id);
  });
}
