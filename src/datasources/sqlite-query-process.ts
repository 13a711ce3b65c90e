/**
 * The process a SQLite query runs in. better-sqlite3 runs a statement inside one native call
 * that nothing can interrupt: on the server's thread it would freeze the server, and in a
 * worker thread `terminate()` waits for that call forever. A process can be killed.
 */
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { FETCH_BATCH } from './database-target.ts';
import { notOneStatement, notRows, tooManyRows } from './query-errors.ts';
import type { SqliteReply, SqliteRequest } from './sqlite-messages.ts';
import { coerceError } from '../domain/coerce-error.ts';

/** Resolves once the reply is handed over, so a slow reader holds the query back. */
function send(reply: SqliteReply): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(reply, undefined, {}, (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
  });
}

function prepare(db: Database.Database, sql: string): Database.Statement {
  try {
    return db.prepare(sql);
  } catch (error) {
    if (error instanceof RangeError && error.message.includes('more than one statement')) {
      throw notOneStatement();
    }
    throw error;
  }
}

async function run(request: SqliteRequest): Promise<void> {
  const db = new Database(request.location, { readonly: true, fileMustExist: true });
  try {
    const statement = prepare(db, request.sql);
    if (!statement.reader) throw notRows();
    await send({ type: 'columns', columns: statement.columns().map((column) => column.name) });
    statement.raw(true);
    let rows: unknown[][] = [];
    let count = 0;
    for (const values of statement.iterate(...request.parameters)) {
      if (count === request.maxRows) throw tooManyRows(request.maxRows);
      count += 1;
      rows.push(values as unknown[]);
      if (rows.length === FETCH_BATCH) {
        await send({ type: 'rows', rows });
        rows = [];
      }
    }
    await send({ type: 'rows', rows });
    await send({ type: 'done' });
  } finally {
    db.close();
  }
}

/**
 * Kills this process once the server that started it is gone (its parent changes). A thread
 * of its own does the watching, as the main one may be stuck in SQLite.
 */
function dieWithServer(): void {
  const watch = `
    const { workerData } = require('node:worker_threads');
    setInterval(() => {
      if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL');
    }, 500);`;
  new Worker(watch, { eval: true, workerData: process.ppid, execArgv: [] }).unref();
}

dieWithServer();
process.once('message', (request: SqliteRequest) => {
  run(request)
    .catch((error: unknown) => send({ type: 'error', message: coerceError(error).message }))
    .catch(() => {})
    .finally(() => process.disconnect());
});
await send({ type: 'ready' });
