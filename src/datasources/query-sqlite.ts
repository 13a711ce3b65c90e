import { fork, type ChildProcess } from 'node:child_process';
import type { QueryResult } from '../plugins/run-host.ts';
import type { RowCollector } from './collect-rows.ts';
import type { DatabaseTarget } from './database-target.ts';
import { stoppedQuery } from './query-errors.ts';
import type { SqliteReply, SqliteRequest } from './sqlite-messages.ts';
import { coerceError } from '../domain/coerce-error.ts';

const QUERY_PROCESS = new URL('./sqlite-query-process.ts', import.meta.url);
/**
 * The loader that runs TypeScript, named by its full address: the server itself may have
 * registered it in code (bin/taskplanner.js) rather than with --import, and a bare `tsx`
 * would be looked up from the working folder.
 */
const TYPESCRIPT_LOADER = import.meta.resolve('tsx');

function start(): ChildProcess {
  return fork(QUERY_PROCESS, [], {
    execArgv: ['--import', TYPESCRIPT_LOADER],
    // Structured clone keeps blobs as bytes, where JSON would turn them into objects.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A blob arrives as bare bytes; the report writers expect a Buffer, as better-sqlite3 gives. */
function revived(values: unknown[]): unknown[] {
  return values.map((value) =>
    value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.length) : value,
  );
}

function request(
  target: DatabaseTarget,
  sql: string,
  parameters: unknown[],
  collector: RowCollector,
): SqliteRequest {
  return { location: target.location, sql, parameters, maxRows: collector.maxRows };
}

function take(collector: RowCollector, rows: unknown[][], end: (error: Error) => void): void {
  try {
    collector.add(rows.map(revived));
  } catch (error) {
    end(coerceError(error));
  }
}

/**
 * Runs the query in a process of its own (see sqlite-query-process.ts), which is killed when
 * the run stops, so neither a slow query nor an endless one can hold up the server.
 */
export function querySqlite(
  target: DatabaseTarget,
  sql: string,
  parameters: unknown[],
  collector: RowCollector,
  signal?: AbortSignal,
): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const child = start();
    // Settled on exit, so that once the promise settles the process is gone.
    let outcome: Error | 'done' | undefined;
    const end = (result: Error | 'done') => {
      outcome ??= result;
      child.kill('SIGKILL');
    };
    const settle = () => {
      signal?.removeEventListener('abort', stop);
      if (outcome === 'done') resolve({ columns: collector.columns, rows: collector.rows });
      else reject(outcome ?? new Error('the SQLite query process ended before it answered'));
    };
    const stop = () => end(stoppedQuery(signal as AbortSignal, ''));
    signal?.addEventListener('abort', stop, { once: true });
    child.on('message', (reply: SqliteReply) => {
      if (outcome) return;
      if (reply.type === 'ready') child.send(request(target, sql, parameters, collector));
      else if (reply.type === 'columns') collector.columns = reply.columns;
      else if (reply.type === 'rows') take(collector, reply.rows, end);
      else end(reply.type === 'done' ? 'done' : new Error(reply.message));
    });
    child.on('error', (error) => {
      end(error);
      // A process that never started has no exit to wait for.
      if (child.pid === undefined) settle();
    });
    child.on('exit', settle);
  });
}
