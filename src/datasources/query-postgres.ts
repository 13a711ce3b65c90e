import pg from 'pg';
import Cursor from 'pg-cursor';
import type { QueryResult } from '../plugins/run-host.ts';
import type { RowCollector } from './collect-rows.ts';
import { CONNECT_TIMEOUT_MS, FETCH_BATCH, type DatabaseTarget } from './database-target.ts';
import { reportTypeParser } from './postgres-types.ts';
import { notOneStatement, notRows, stoppedQuery } from './query-errors.ts';

/**
 * Every transaction of the session reads only, also one the query's text might start after
 * ending ours: `begin read only` alone covers only the first.
 */
const READ_ONLY = '-c default_transaction_read_only=on';

/**
 * The client settings for a target. The connection string's own `options` would replace
 * ours (pg lets the string win), so they are moved out of it and put before ours.
 */
function clientConfig(target: DatabaseTarget, options?: string): pg.ClientConfig {
  let connectionString = target.location;
  let own: string | null = null;
  if (options && URL.canParse(target.location)) {
    const url = new URL(target.location);
    own = url.searchParams.get('options');
    if (own !== null) {
      url.searchParams.delete('options');
      connectionString = url.toString();
    }
  }
  return {
    connectionString,
    ...(target.password ? { password: target.password } : {}),
    ...(options ? { options: own ? `${own} ${options}` : options } : {}),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  };
}

/**
 * Tells the server to stop what the backend is running. Closing our socket is not enough:
 * a backend busy computing does not notice its client left until it has rows to send.
 */
async function cancelBackend(target: DatabaseTarget, pid: number): Promise<void> {
  const client = new pg.Client(clientConfig(target));
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select pg_cancel_backend($1)', [pid]);
  } finally {
    await client.end().catch(() => {});
  }
}

interface Batch {
  rows: unknown[][];
  columns: string[];
}

function readBatch(cursor: Cursor<unknown[]>, count: number): Promise<Batch> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows, result) => {
      if (error) reject(error);
      // A cursor read past its end answers with no result at all.
      else resolve({ rows, columns: result?.fields.map((field) => field.name) ?? [] });
    });
  });
}

/** Reads the cursor batch by batch, never more than one row past the cap. */
async function readAll(cursor: Cursor<unknown[]>, collector: RowCollector): Promise<void> {
  for (;;) {
    const batch = await readBatch(cursor, collector.wanted(FETCH_BATCH));
    if (batch.columns.length > 0) collector.columns = batch.columns;
    if (batch.rows.length === 0) return;
    collector.add(batch.rows);
  }
}

/** The server's message, or ours when it refused a text holding several statements. */
function translated(error: unknown): unknown {
  const { code, message } = error as { code?: string; message?: string };
  if (code === '42601' && message?.includes('multiple commands')) return notOneStatement();
  return error;
}

/**
 * Runs one statement in a read-only transaction of a read-only session. The cursor makes it
 * go through the extended protocol, which takes exactly one statement (the simple protocol
 * would run `commit; drop table t` as two), and streams the rows so the cap is checked as
 * they arrive.
 */
export async function queryPostgres(
  target: DatabaseTarget,
  sql: string,
  parameters: unknown[],
  collector: RowCollector,
  signal?: AbortSignal,
): Promise<QueryResult> {
  const client = new pg.Client(clientConfig(target, READ_ONLY));
  // A failure while a query waits rejects that query; without a listener it would crash.
  client.on('error', () => {});
  let pid: number | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    const cancel = pid === undefined ? Promise.resolve() : cancelBackend(target, pid);
    stopping = cancel.catch(() => {}).then(() => client.end().catch(() => {}));
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await client.connect();
    await client.query('begin read only');
    const backend = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    pid = backend.rows[0]?.pid;
    const types = { getTypeParser: reportTypeParser };
    const cursor = client.query(
      new Cursor<unknown[]>(sql, parameters, { rowMode: 'array', types }),
    );
    await readAll(cursor, collector);
    // COMMIT, SET and the like describe no columns.
    if (collector.columns.length === 0) throw notRows();
    return { columns: collector.columns, rows: collector.rows };
  } catch (error) {
    if (signal?.aborted) throw stoppedQuery(signal, 'on the server');
    throw translated(error);
  } finally {
    signal?.removeEventListener('abort', stop);
    await stopping;
    await client.end().catch(() => {});
  }
}
