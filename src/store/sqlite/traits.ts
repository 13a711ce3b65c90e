import type { DialectTraits } from '../sql/traits.ts';
import { migrations } from './migrations.ts';

/** SQLite: one writer at a time, so migrations need no extra lock. */
export const sqliteTraits: DialectTraits = {
  name: 'sqlite',
  migrations,
  lockMigrations: async () => {},
  isUniqueViolation: (error) => {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
};
