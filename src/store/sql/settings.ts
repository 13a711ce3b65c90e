import type { Kysely } from 'kysely';
import type { SettingsRepository } from '../store.ts';
import type { Database } from './schema.ts';

/** Server-wide settings as JSON values under a key, in a SQL database. */
export class SqlSettingsRepository implements SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  async set(key: string, value: unknown, at: Date): Promise<void> {
    const values = { key, value: JSON.stringify(value), updated_at: at.getTime() };
    await this.db
      .insertInto('settings')
      .values(values)
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({ value: values.value, updated_at: values.updated_at }),
      )
      .execute();
  }
}
