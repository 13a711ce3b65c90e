import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectPostgres } from './postgres/connect.ts';
import { SqlStore } from './sql/sql-store.ts';
import { connectSqlite } from './sqlite/connect.ts';
import type { Store } from './store.ts';

/** Where the data lives: a PostgreSQL URL, or else a SQLite file in the data folder. */
export interface StoreLocation {
  databaseUrl: string | null;
  dataDir: string;
  /** PostgreSQL only: work inside this schema instead of the default search path. */
  schema?: string;
}

/** The SQLite file used when no database URL is configured. */
export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'taskplanner.db');
}

/**
 * Makes the data folder if needed and closes it to everyone but the server's user (0700, also
 * when it existed): it holds the database, the secret key and the runs' files.
 */
export function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

/** Opens the store the location names; call migrate() before use. */
export function openStore(location: StoreLocation): Store {
  if (location.databaseUrl) {
    return SqlStore.from(
      connectPostgres({
        url: location.databaseUrl,
        ...(location.schema === undefined ? {} : { schema: location.schema }),
      }),
    );
  }
  prepareDataDir(location.dataDir);
  return SqlStore.from(connectSqlite(sqliteFile(location.dataDir)));
}
