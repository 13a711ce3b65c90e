import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { connectSqlite } from '../../src/store/sqlite/connect.ts';
import { applyMigrations, type Migration } from '../../src/store/sql/migration.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const first: Migration = { id: '0001', statements: ['create table a (x integer)'] };
const second: Migration = { id: '0002', statements: ['create table b (y integer)'] };
const noLock = async () => {};

function freshDatabase() {
  return connectSqlite(join(mkdtempSync(join(tmpdir(), 'tp-migrate-')), 'db.sqlite')).db;
}

describe('applyMigrations', () => {
  it('applies what is pending, once', async () => {
    const db = freshDatabase();
    assert.deepEqual(await applyMigrations(db, [first], noLock, Date.now), ['0001']);
    assert.deepEqual(await applyMigrations(db, [first, second], noLock, Date.now), ['0002']);
    assert.deepEqual(await applyMigrations(db, [first, second], noLock, Date.now), []);
    await db.destroy();
  });

  it('refuses a database migrated by a newer version', async () => {
    const db = freshDatabase();
    await applyMigrations(db, [first, second], noLock, Date.now);
    await assert.rejects(
      applyMigrations(db, [first], noLock, Date.now),
      /newer Task Planner \(migration 0002\)/,
    );
    await db.destroy();
  });

  it('refuses a migration edited after it was applied', async () => {
    const db = freshDatabase();
    await applyMigrations(db, [first], noLock, Date.now);
    const edited = { ...first, statements: ['create table a (x text)'] };
    await assert.rejects(applyMigrations(db, [edited], noLock, Date.now), /0001 was changed/);
    await db.destroy();
  });

  it('applies nothing of a migration that fails', async () => {
    const db = freshDatabase();
    const broken: Migration = {
      id: '0002',
      statements: ['create table c (z integer)', 'this is not sql'],
    };
    await assert.rejects(applyMigrations(db, [first, broken], noLock, Date.now));
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table'`.execute(db);
    assert.ok(
      !tables.rows.some((row) => row.name === 'c' || row.name === 'a'),
      'rolled back entirely',
    );
    await db.destroy();
  });
});
