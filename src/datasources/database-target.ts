import type { DataSourceKind } from '../domain/settings.ts';

/** Where a query goes: the kind of database, its file or URL, and the password. */
export interface DatabaseTarget {
  kind: DataSourceKind;
  location: string;
  password: string;
}

/** How long to wait for a data source to accept a connection. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Rows fetched from the database per round trip while streaming a result. */
export const FETCH_BATCH = 1000;
