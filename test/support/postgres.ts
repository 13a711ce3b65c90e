import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests use. */
export const TEST_DATABASE_URL =
  process.env.TASKPLANNER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let probe: Promise<string | null> | undefined;

/**
 * Null when PostgreSQL answers; otherwise why not. Under CI=true an unreachable
 * server is an error, so PostgreSQL tests can never be skipped silently there.
 */
export function postgresUnavailable(): Promise<string | null> {
  probe ??= (async () => {
    const client = new pg.Client({
      connectionString: TEST_DATABASE_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      const reason = `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${(error as Error).message})`;
      if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
      console.log(`# skipping PostgreSQL tests: ${reason}`);
      return reason;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return probe;
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh schema of its own, so no two tests ever see each other's data. */
export async function createTestSchema(
  label: string,
): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `t_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  await withClient((client) => client.query(`create schema ${schema}`));
  return {
    schema,
    drop: () =>
      withClient((client) => client.query(`drop schema if exists ${schema} cascade`)).then(
        () => {},
      ),
  };
}
