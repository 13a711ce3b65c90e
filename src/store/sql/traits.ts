import type { Kysely } from 'kysely';
import type { Migration, MigrationLock } from './migration.ts';
import type { Signal } from '../store.ts';
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
  /** Rows can be locked with FOR UPDATE SKIP LOCKED, so claimers pass over each other's work. */
  readonly skipLockedRows: boolean;
  /** Several nodes may share this database (so due times follow its clock). */
  readonly shared: boolean;
  /** The database's clock in epoch ms, or null when it is this machine's. */
  currentTime(db: Kysely<Database>): Promise<number | null>;
  /** Locks those of the tasks no other transaction holds, for this transaction; returns their ids. */
  lockTasksSkippingLocked(db: Kysely<Database>, taskIds: readonly string[]): Promise<string[]>;
  /** Locks the tasks for this transaction, waiting for other transactions that hold them. */
  lockTasks(db: Kysely<Database>, taskIds: readonly string[]): Promise<void>;
}

/** How signals travel between the nodes sharing a database. */
export interface SignalChannel {
  /** Sends through db, so that inside a transaction the signal leaves on commit. */
  publish(db: Kysely<Database>, signal: Signal): Promise<void>;
  subscribe(listener: (signal: Signal) => void): () => void;
  close(): Promise<void>;
}

/** An open connection (pool), the traits of its database, and its signal channel. */
export interface Connection {
  readonly db: Kysely<Database>;
  readonly traits: DialectTraits;
  readonly signals: SignalChannel;
}

/** Runs fn in the current transaction, or in a new one when there is none. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
