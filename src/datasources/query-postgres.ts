import pg from 'pg';
import Cursor from 'pg-cursor';
import type { QueryResult } from '../plugins/run-host.ts';
import type { RowCollector } from './collect-rows.ts';
import { CONNECT_TIMEOUT_MS, FETCH_BATCH, type DatabaseTarget } from './database-target.ts';
import { describeColumns } from './postgres-describe.ts';
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

function readBatch(cursor: Cursor<unknown[]>, count: number): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    cursor.read(count, (error, rows) => (error ? reject(error) : resolve(rows)));
  });
}

/** Reads the cursor batch by batch, never more than one row past the cap. */
async function readAll(cursor: Cursor<unknown[]>, collector: RowCollector): Promise<void> {
  for (;;) {
    const rows = await readBatch(cursor, collector.wanted(FETCH_BATCH));
    if (rows.length === 0) return;
    collector.add(rows);
  }
}

/** The server's message, or ours when it refused a text holding several statements. */
function translated(error: unknown): unknown {
  const { code, message } = error as { code?: string; message?: string };
  if (code === '42601' && message?.includes('multiple commands')) return notOneStatement();
  return error;
}

/**
 * Runs one statement in a read-only transaction of a read-only session. The extended protocol
 * takes exactly one statement (the simple protocol would run `commit; drop table t` as two).
 * The statement is described before it runs: one without rows is refused unrun, since a
 * read-only transaction still lets COPY TO a file or a program through. The cursor then
 * streams the rows so the cap is checked as they arrive.
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
    // COPY, SET, DO, COMMIT and the like describe no columns.
    const columns = await describeColumns(client, sql);
    if (!columns?.length) throw notRows();
    collector.columns = columns;
    const types = { getTypeParser: reportTypeParser };
    const cursor = client.query(
      new Cursor<unknown[]>(sql, parameters, { rowMode: 'array', types }),
    );
    await readAll(cursor, collector);
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
