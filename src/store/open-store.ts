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

/** Opens the store the location names; call migrate() before use. */
export function openStore(location: StoreLocation): Store {
  const connection = location.databaseUrl
    ? connectPostgres({
        url: location.databaseUrl,
        ...(location.schema === undefined ? {} : { schema: location.schema }),
      })
    : connectSqlite(sqliteFile(location.dataDir));
  return SqlStore.from(connection);
}
