import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DataSourceKind } from '../domain/settings.ts';
import type { QueryResult } from '../plugins/run-host.ts';
import { bindPlaceholders } from './bind-placeholders.ts';

/** Where a query goes: the kind of database, its file or URL, and the password. */
export interface DatabaseTarget {
  kind: DataSourceKind;
  location: string;
  password: string;
}

/** Reports larger than this are refused rather than filling the memory. */
export const MAX_ROWS = 500_000;
const CONNECT_TIMEOUT_MS = 10_000;

function tooMany(): Error {
  return new Error(`the query returned more than ${MAX_ROWS} rows; narrow it down`);
}

async function querySqlite(target: DatabaseTarget, sql: string, parameters: unknown[]) {
  const db = new Database(target.location, { readonly: true, fileMustExist: true });
  try {
    const statement = db.prepare(sql);
    if (!statement.reader) throw new Error('the query must return rows (a SELECT)');
    const columns = statement.columns().map((column) => column.name);
    const rows: Record<string, unknown>[] = [];
    for (const row of statement.iterate(...parameters)) {
      if (rows.length >= MAX_ROWS) throw tooMany();
      rows.push(row as Record<string, unknown>);
    }
    return { columns, rows };
  } finally {
    db.close();
  }
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;

/**
 * Numbers as numbers (when they fit exactly) so spreadsheets can sum them; a date column as
 * the date it holds, not midnight in this server's zone.
 */
function reportTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === PG_INT8 || oid === PG_NUMERIC) {
    return (value) => {
      const number = Number(value);
      return Number.isFinite(number) && String(number) === value ? number : value;
    };
  }
  if (oid === PG_DATE) return (value) => value;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

async function queryPostgres(
  target: DatabaseTarget,
  sql: string,
  parameters: unknown[],
  signal?: AbortSignal,
) {
  const client = new pg.Client({
    connectionString: target.location,
    types: { getTypeParser: reportTypeParser },
    ...(target.password ? { password: target.password } : {}),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  const abort = () => void client.end();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    // A report reads; it must not change the data source.
    await client.query('begin read only');
    const result = await client.query({ text: sql, values: parameters, rowMode: 'array' });
    if (result.rows.length > MAX_ROWS) throw tooMany();
    const columns = result.fields.map((field) => field.name);
    const rows = (result.rows as unknown[][]).map((values) =>
      Object.fromEntries(columns.map((name, index) => [name, values[index]])),
    );
    return { columns, rows };
  } finally {
    signal?.removeEventListener('abort', abort);
    await client.end().catch(() => {});
  }
}

async function queryMysql(
  target: DatabaseTarget,
  sql: string,
  parameters: unknown[],
  signal?: AbortSignal,
) {
  const connection = await mysql.createConnection({
    uri: target.location,
    ...(target.password ? { password: target.password } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    // DATETIME has no zone: report it as the database holds it rather than shift it.
    dateStrings: true,
    decimalNumbers: true,
    supportBigNumbers: true,
  });
  const abort = () => connection.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await connection.query('set session transaction read only');
    // execute() prepares the statement: values travel apart from the SQL.
    const [rows, fields] = await connection.execute({
      sql,
      values: parameters,
      rowsAsArray: true,
    });
    if (!Array.isArray(rows) || !fields) throw new Error('the query must return rows (a SELECT)');
    if (rows.length > MAX_ROWS) throw tooMany();
    const columns = fields.map((field) => field.name);
    return {
      columns,
      rows: (rows as unknown[][]).map((values) =>
        Object.fromEntries(columns.map((name, index) => [name, values[index]])),
      ),
    };
  } finally {
    signal?.removeEventListener('abort', abort);
    connection.destroy();
  }
}

/**
 * Runs one read-only query on a database, its `{name}` placeholders bound as parameters
 * resolved by resolve; opens and closes its own connection.
 */
export async function queryDatabase(
  target: DatabaseTarget,
  sql: string,
  resolve: (name: string, format: string | undefined) => unknown,
  signal?: AbortSignal,
): Promise<QueryResult> {
  const style = target.kind === 'postgres' ? 'dollar' : 'question';
  const bound = bindPlaceholders(sql, resolve, style);
  if (signal?.aborted) throw new Error('stopped');
  switch (target.kind) {
    case 'sqlite':
      return querySqlite(target, bound.sql, bound.parameters);
    case 'postgres':
      return queryPostgres(target, bound.sql, bound.parameters, signal);
    case 'mysql':
      return queryMysql(target, bound.sql, bound.parameters, signal);
  }
}
