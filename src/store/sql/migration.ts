import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/** One forward-only schema change: plain SQL statements of one dialect. */
export interface Migration {
  id: string;
  statements: readonly string[];
}

/** How a dialect keeps two processes from migrating at the same time. */
export type MigrationLock = <DB>(trx: Kysely<DB>) => Promise<void>;

function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.statements.join('\n;\n')).digest('hex');
}

/**
 * Refuses a database this code does not understand: one migrated by a newer version,
 * or one whose applied migrations were edited since.
 */
function checkApplied(
  migrations: readonly Migration[],
  applied: ReadonlyMap<string, string>,
): void {
  const known = new Map(migrations.map((migration) => [migration.id, checksumOf(migration)]));
  for (const [id, checksum] of applied) {
    const expected = known.get(id);
    if (expected === undefined) {
      throw new Error(
        `The database was migrated by a newer Task Planner (migration ${id}); upgrade this one`,
      );
    }
    if (expected !== checksum) throw new Error(`Migration ${id} was changed after it was applied`);
  }
}

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
    await sql`create table if not exists schema_migrations (
      id text primary key, checksum text not null, applied_at bigint not null
    )`.execute(trx);
    const done = await sql<{
      id: string;
      checksum: string;
    }>`select id, checksum from schema_migrations`.execute(trx);
    const applied = new Map(done.rows.map((row) => [row.id, row.checksum]));
    checkApplied(migrations, applied);
    const pending = migrations.filter((migration) => !applied.has(migration.id));
    for (const migration of pending) {
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await sql`insert into schema_migrations (id, checksum, applied_at)
        values (${migration.id}, ${checksumOf(migration)}, ${now()})`.execute(trx);
    }
    return pending.map((migration) => migration.id);
  });
}
