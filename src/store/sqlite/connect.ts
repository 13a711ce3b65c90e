import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../sql/schema.ts';
import type { Connection } from '../sql/traits.ts';
import { sqliteSignals } from './signals.ts';
import { withStatementCache } from './statement-cache.ts';
import { sqliteTraits } from './traits.ts';

/**
 * Makes the file readable by the server's user only (0600) before SQLite opens it: SQLite gives
 * the -wal and -shm files it creates the database file's mode. Ones left from before are
 * closed too.
 */
function makePrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

/** Opens (creating if needed) the SQLite file in WAL mode. */
export function connectSqlite(file: string): Connection {
  if (file !== ':memory:') makePrivate(file);
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return {
    db: new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    }),
    traits: sqliteTraits,
    signals: sqliteSignals(),
  };
}
