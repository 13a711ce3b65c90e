import type { QueryResult } from '../plugins/run-host.ts';
import { bindPlaceholders } from './bind-placeholders.ts';
import { MAX_ROWS, RowCollector } from './collect-rows.ts';
import type { DatabaseTarget } from './database-target.ts';
import { notStarted } from './query-errors.ts';
import { queryMysql } from './query-mysql.ts';
import { queryPostgres } from './query-postgres.ts';
import { querySqlite } from './query-sqlite.ts';

export type { DatabaseTarget } from './database-target.ts';
export { MAX_ROWS } from './collect-rows.ts';

/** Bounds of one query. */
export interface QueryLimits {
  /** The most rows accepted; one more fails the query (MAX_ROWS unless set). */
  maxRows?: number;
}

/**
 * Runs one read-only statement on a database, its `{name}` placeholders bound as parameters
 * resolved by resolve; opens and closes its own connection. Text holding a second statement is
 * refused, rows are counted as they arrive, and when signal aborts the database stops too.
 */
export async function queryDatabase(
  target: DatabaseTarget,
  sql: string,
  resolve: (name: string, format: string | undefined) => unknown,
  signal?: AbortSignal,
  limits: QueryLimits = {},
): Promise<QueryResult> {
  const style = target.kind === 'postgres' ? 'dollar' : 'question';
  const bound = bindPlaceholders(sql, resolve, style);
  if (signal?.aborted) throw notStarted();
  const collector = new RowCollector(limits.maxRows ?? MAX_ROWS);
  switch (target.kind) {
    case 'sqlite':
      return querySqlite(target, bound.sql, bound.parameters, collector, signal);
    case 'postgres':
      return queryPostgres(target, bound.sql, bound.parameters, collector, signal);
    case 'mysql':
      return queryMysql(target, bound.sql, bound.parameters, collector, signal);
  }
}
