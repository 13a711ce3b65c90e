import type { DialectTraits } from '../sql/traits.ts';
import { migrations } from './migrations.ts';

/** SQLite: one writer at a time, so migrations need no extra lock. */
export const sqliteTraits: DialectTraits = {
  name: 'sqlite',
  migrations,
  lockMigrations: async () => {},
  skipLockedRows: false,
  shared: false,
  currentTime: async () => null,
  isUniqueViolation: (error) => {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
  // The one writer holds the whole database for the transaction already.
  lockTasksSkippingLocked: async (db, taskIds) => {
    if (taskIds.length === 0) return [];
    const rows = await db.selectFrom('tasks').select('id').where('id', 'in', taskIds).execute();
    return rows.map((row) => row.id);
  },
  lockTasks: async () => {},
};
