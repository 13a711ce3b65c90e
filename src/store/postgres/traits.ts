import { sql } from 'kysely';
import type { DialectTraits } from '../sql/traits.ts';
import { migrations } from './migrations.ts';

/** PostgreSQL: migrations wait on an advisory lock per schema. */
export const postgresTraits: DialectTraits = {
  name: 'postgres',
  migrations,
  lockMigrations: async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('taskplanner.migrate.' || current_schema()))`.execute(
      trx,
    );
  },
  isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === '23505',
};
