/**
 * The messages between the server and the process that runs one SQLite query for it.
 * The server waits for `ready`, sends one request, and takes replies until `done` or `error`.
 */

/** What to query: the database file, one statement, its bound values, and the row cap. */
export interface SqliteRequest {
  location: string;
  sql: string;
  parameters: unknown[];
  maxRows: number;
}

/** One step of the answer. */
export type SqliteReply =
  | { type: 'ready' }
  | { type: 'columns'; columns: string[] }
  | { type: 'rows'; rows: unknown[][] }
  | { type: 'done' }
  | { type: 'error'; message: string };
