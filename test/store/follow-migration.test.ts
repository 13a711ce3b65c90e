// Migration 0016 moves after-task triggers stored with one followed task (follows_task_id,
// follows_on) into the new shape: the followed tasks in their own table and the FollowSpec
// with the trigger. A server upgraded with such triggers keeps following the same tasks.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { applyMigrations, type Migration } from '../../src/store/sql/migration.ts';
import { SqlStore } from '../../src/store/sql/sql-store.ts';
import { connectPostgres } from '../../src/store/postgres/connect.ts';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { connectSqlite } from '../../src/store/sqlite/connect.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import type { Connection } from '../../src/store/sql/traits.ts';
import { createTestSchema, postgresUnavailable, TEST_DATABASE_URL } from '../support/postgres.ts';

const FOLLOW_SEVERAL = '0016_follow_several';

interface Dialect {
  name: string;
  skip: string | null;
  open(): Promise<{
    connection: Connection;
    migrations: readonly Migration[];
    close: () => Promise<void>;
  }>;
}

const dialects: Dialect[] = [
  {
    name: 'sqlite',
    skip: null,
    open: async () => {
      const connection = connectSqlite(
        join(mkdtempSync(join(tmpdir(), 'tp-follow-')), 'db.sqlite'),
      );
      return { connection, migrations: sqliteMigrations, close: () => connection.db.destroy() };
    },
  },
  {
    name: 'postgres',
    skip: await postgresUnavailable(),
    open: async () => {
      const { schema, drop } = await createTestSchema('follow_migration');
      const connection = connectPostgres({ url: TEST_DATABASE_URL, schema, poolSize: 2 });
      return {
        connection,
        migrations: postgresMigrations,
        close: async () => {
          await connection.db.destroy();
          await drop();
        },
      };
    },
  },
];

for (const dialect of dialects) {
  describe(
    `migration ${FOLLOW_SEVERAL} on ${dialect.name}`,
    { skip: dialect.skip ?? false },
    () => {
      const closing: Array<() => Promise<void>> = [];
      after(async () => {
        for (const close of closing) await close();
      });

      it('keeps an after-task trigger stored before it following the same task', async () => {
        const { connection, migrations, close } = await dialect.open();
        closing.push(close);
        const { db } = connection;
        const cut = migrations.findIndex((migration) => migration.id === FOLLOW_SEVERAL);
        assert.ok(cut > 0, 'the migration exists');
        const noLock = async () => {};
        const flag = (on: boolean) =>
          sql.raw(dialect.name === 'postgres' ? String(on) : on ? '1' : '0');
        await applyMigrations(db, migrations.slice(0, cut), noLock, Date.now);
        await sql`insert into users (id, login, login_key, display_name, search_text, email, password_hash, disabled, created_at, updated_at)
        values ('u1', 'alice', 'alice', 'Alice', 'alice', null, null, ${flag(false)}, 0, 0)`.execute(
          db,
        );
        for (const id of ['t-a', 't-b']) {
          await sql`insert into tasks (id, owner_id, name, sort_name, search_text, description, enabled, timezone, triggers, jobs, actions, series, policy, expires_at, hidden, revision, created_at, updated_at)
          values (${id}, 'u1', ${id}, ${id}, ${id}, '', ${flag(true)}, 'UTC', '[]', '[]', '[]', null, '{}', null, ${flag(false)}, 1, 0, 0)`.execute(
            db,
          );
        }
        await sql`insert into task_triggers (task_id, trigger_id, kind, fingerprint, next_fire_at, follows_task_id, follows_on)
        values ('t-b', 'trigger-1', 'after-task', 'f', null, 't-a', 'failure')`.execute(db);
        await applyMigrations(db, migrations, noLock, Date.now);
        const store = SqlStore.from(connection);
        assert.deepEqual(await store.triggers.followersOf(['t-a']), [
          {
            taskId: 't-b',
            triggerId: 'trigger-1',
            ownerId: 'u1',
            follows: { taskIds: ['t-a'], on: 'failure', all: false, windowMs: 86_400_000 },
          },
        ]);
        assert.deepEqual(await store.triggers.followersOf(['t-b']), []);
      });
    },
  );
}
