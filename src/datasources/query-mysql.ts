import mysql from 'mysql2';
import type { QueryResult } from '../plugins/run-host.ts';
import type { RowCollector } from './collect-rows.ts';
import { CONNECT_TIMEOUT_MS, type DatabaseTarget } from './database-target.ts';
import { describeColumns } from './mysql-describe.ts';
import { notOneStatement, notRows, stoppedQuery } from './query-errors.ts';
import { coerceError } from '../domain/coerce-error.ts';

function connectionOptions(target: DatabaseTarget): mysql.ConnectionOptions {
  return {
    uri: target.location,
    ...(target.password ? { password: target.password } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    // One statement per query, and no client files sent on the server's request. As flags,
    // because a `multipleStatements` in the URI would win over a false here.
    flags: ['-MULTI_STATEMENTS', '-LOCAL_FILES'],
    // DATETIME has no zone: report it as the database holds it rather than shift it.
    dateStrings: true,
    decimalNumbers: true,
    supportBigNumbers: true,
  };
}

function connect(target: DatabaseTarget): Promise<mysql.Connection> {
  return new Promise((resolve, reject) => {
    const connection = mysql.createConnection(connectionOptions(target));
    connection.once('error', reject);
    connection.once('connect', () => {
      connection.off('error', reject);
      // A failure while a command runs rejects that command; without a listener it would crash.
      connection.on('error', () => {});
      resolve(connection);
    });
  });
}

/** Tells the server to stop the connection's statement: it would run on after we hang up. */
async function killQuery(target: DatabaseTarget, threadId: number): Promise<void> {
  const connection = await connect(target);
  try {
    await connection.promise().query('kill query ?', [threadId]);
  } finally {
    connection.destroy();
  }
}

/**
 * Executes the statement and takes its rows as they arrive. At the row past the cap it has
 * the statement stopped (stopStatement), so the rest is neither computed nor held here.
 */
function streamRows(
  connection: mysql.Connection,
  sql: string,
  parameters: unknown[],
  collector: RowCollector,
  stopStatement: () => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let fields = false;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    // The statement prepared by describeColumns: one statement only, its values apart.
    const command = connection.execute({ sql, values: parameters, rowsAsArray: true });
    // A statement without rows (COMMIT, SET) gives no fields and an OK packet as its result.
    command.on('fields', (packets?: mysql.FieldPacket[]) => {
      if (!packets) return;
      fields = true;
      collector.columns = packets.map((field) => field.name);
    });
    command.on('result', (row: unknown) => {
      if (failed) return;
      if (!fields || !Array.isArray(row)) return fail(notRows());
      try {
        collector.add([row as unknown[]]);
      } catch (error) {
        fail(coerceError(error));
        stopStatement();
      }
    });
    command.on('error', fail);
    // Whatever ends the connection ends the statement too, whichever of them reports it.
    connection.on('error', fail);
    command.on('end', () => (fields ? resolve() : fail(notRows())));
  });
}

/**
 * True when the server's syntax error starts right after a ';': the text held a second
 * statement, which a prepared statement cannot take.
 */
function isSecondStatement(sql: string, error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code !== 'ER_PARSE_ERROR' || !message) return false;
  // MySQL and MariaDB quote the text from where they stopped reading (cut after 80 characters).
  const near = /near '([\s\S]*?)' at line \d+$/.exec(message)?.[1]?.slice(0, 20);
  if (!near) return false;
  for (let at = sql.indexOf(near); at >= 0; at = sql.indexOf(near, at + 1)) {
    if (sql.slice(0, at).trimEnd().endsWith(';')) return true;
  }
  return false;
}

/**
 * Runs one prepared statement in a read-only session of MySQL or MariaDB, streaming its rows.
 * A statement without rows is refused before it runs: a read-only session still lets
 * SET GLOBAL change the server and SELECT … INTO OUTFILE write files.
 */
export async function queryMysql(
  target: DatabaseTarget,
  sql: string,
  parameters: unknown[],
  collector: RowCollector,
  signal?: AbortSignal,
): Promise<QueryResult> {
  const connection = await connect(target);
  let stopping: Promise<void> | undefined;
  // Hanging up is not enough: the server goes on computing and writing rows for a while.
  const stopStatement = () => {
    stopping ??= killQuery(target, connection.threadId)
      .catch(() => {})
      .then(() => connection.destroy());
  };
  signal?.addEventListener('abort', stopStatement, { once: true });
  try {
    if (signal?.aborted) stopStatement();
    await connection.promise().query('set session transaction read only');
    const columns = await describeColumns(connection, sql);
    if (columns.length === 0) throw notRows();
    await streamRows(connection, sql, parameters, collector, stopStatement);
    // A statement stopped in the middle may still end normally (SLEEP() returns 1).
    if (signal?.aborted) throw stoppedQuery(signal, 'on the server');
    return { columns: collector.columns, rows: collector.rows };
  } catch (error) {
    if (signal?.aborted) throw stoppedQuery(signal, 'on the server');
    throw isSecondStatement(sql, error) ? notOneStatement() : error;
  } finally {
    signal?.removeEventListener('abort', stopStatement);
    await stopping;
    connection.destroy();
  }
}
