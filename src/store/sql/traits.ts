import type { Kysely } from 'kysely';
import type { Migration, MigrationLock } from './migration.ts';
import type { Database } from './schema.ts';

/**
 * What differs between databases, declared once per adapter folder, so the
 * repositories never ask which database they talk to.
 */
export interface DialectTraits {
  readonly name: 'sqlite' | 'postgres';
  readonly migrations: readonly Migration[];
  readonly lockMigrations: MigrationLock;
  isUniqueViolation(error: unknown): boolean;
}

/** An open connection (pool) and the traits of its database. */
export interface Connection {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
}

/** Runs fn in the current transaction, or in a new one when there is none. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
