import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../sql/schema.ts';
import type { Connection } from '../sql/traits.ts';
import { sqliteSignals } from './signals.ts';
import { withStatementCache } from './statement-cache.ts';
import { sqliteTraits } from './traits.ts';

/** Opens (creating if needed) the SQLite file in WAL mode. */
export function connectSqlite(file: string): Connection {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
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
