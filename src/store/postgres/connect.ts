import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../sql/schema.ts';
import type { Connection } from '../sql/traits.ts';
import { postgresSignals } from './signals.ts';
import { postgresTraits } from './traits.ts';

const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Epoch milliseconds and counts are bigint columns; they fit a JavaScript number. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? Number
      : (pg.types.getTypeParser(oid, format) as (
          value: string,
        ) => unknown)) as typeof pg.types.getTypeParser,
};

/** Opens a connection pool; with a schema, every connection works inside it. */
export function connectPostgres(options: {
  url: string;
  schema?: string;
  poolSize?: number;
}): Connection {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`Invalid PostgreSQL schema name '${options.schema}'`);
  }
  const clientConfig: pg.ClientConfig = {
    connectionString: options.url,
    types,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 10 });
  // An idle connection that breaks is dropped by the pool; without a listener it would crash the process.
  pool.on('error', () => {});
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    traits: postgresTraits,
    signals: postgresSignals(clientConfig, options.schema),
  };
}
