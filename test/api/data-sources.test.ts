import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { TEST_MYSQL_URL } from '../support/data-databases.ts';
import { TEST_DATABASE_URL } from '../support/postgres.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const NOBODY = { everyone: false, userIds: [], groupIds: [] };

/** A MariaDB account of its own with a password, so a wrong password can be told apart. */
async function createMysqlUser(): Promise<{
  location: string;
  password: string;
  drop(): Promise<void>;
}> {
  const user = `tp_ds_${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  const host = new URL(TEST_MYSQL_URL).hostname;
  try {
    await admin.query('create user ?@? identified by ?', [user, host, password]);
    await admin.query('grant select on test.* to ?@?', [user, host]);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_MYSQL_URL);
  url.username = user;
  url.password = '';
  return {
    location: url.toString(),
    password,
    drop: async () => {
      const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
      try {
        await connection.query('drop user if exists ?@?', [user, host]);
      } finally {
        await connection.end();
      }
    },
  };
}

for (const backend of await backends()) {
  describe(`data sources API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let base: string;
    let sqliteFile: string;
    let mariadb: Awaited<ReturnType<typeof createMysqlUser>>;
    let plain: { id: string; client: ApiClient };

    /** Every data source as stored, and how many data-source audit events there are. */
    async function snapshot() {
      const { store } = t.services;
      const audit = await store.audit.list({ objectType: 'data-source', limit: 500 });
      return { sources: await store.dataSources.list(), auditEvents: audit.items.length };
    }

    async function create(
      body: Record<string, unknown>,
    ): Promise<{ id: string } & Record<string, any>> {
      const created = await t.admin.post('/api/v1/data-sources', { access: NOBODY, ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    }

    async function test(id: string): Promise<{ ok: boolean; message: string }> {
      const answer = await t.admin.post(`/api/v1/data-sources/${id}/test`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    }

    async function storedPassword(id: string): Promise<string> {
      const source = await t.services.store.dataSources.get(id);
      assert.ok(source, `data source ${id} is stored`);
      return source.password;
    }

    before(async () => {
      t = await startTestApp(backend, 'data-sources-api');
      base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-data-sources-api-')));
      sqliteFile = join(base, 'orders.db');
      const db = new Database(sqliteFile);
      db.exec('create table orders (id integer primary key)');
      db.close();
      mariadb = await createMysqlUser();
      plain = await t.user('plain');
    });
    after(async () => {
      await t?.close();
      await mariadb?.drop();
      if (base) rmSync(base, { recursive: true, force: true });
    });

    it('lets an administrator create, read, list, change and delete a data source', async () => {
      const created = await t.admin.post('/api/v1/data-sources', {
        name: 'Sales DB',
        kind: 'sqlite',
        location: sqliteFile,
        access: {},
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { id } = created.body;
      assert.equal(created.headers.location, `/api/v1/data-sources/${id}`);
      assert.deepEqual(
        { ...created.body, id: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined,
          name: 'Sales DB',
          kind: 'sqlite',
          location: sqliteFile,
          password: '',
          access: NOBODY,
          createdAt: undefined,
          updatedAt: undefined,
        },
      );
      assert.match(created.body.createdAt, /^\d{4}-\d\d-\d\dT/);

      const read = await t.admin.get(`/api/v1/data-sources/${id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, created.body);
      const listed = await t.admin.get('/api/v1/data-sources');
      assert.deepEqual(
        listed.body.items.find((each: { id: string }) => each.id === id),
        created.body,
      );

      const other = join(base, 'other.db');
      const changed = await t.admin.patch(`/api/v1/data-sources/${id}`, {
        name: 'Sales archive',
        location: other,
        access: { everyone: false, userIds: [plain.id], groupIds: [] },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.name, 'Sales archive');
      assert.equal(changed.body.location, other);
      assert.equal(changed.body.kind, 'sqlite', 'what is not sent stays');
      assert.deepEqual(changed.body.access.userIds, [plain.id]);
      assert.deepEqual((await t.admin.get(`/api/v1/data-sources/${id}`)).body, changed.body);

      assert.equal((await t.admin.delete(`/api/v1/data-sources/${id}`)).status, 204);
      assert.equal((await t.admin.get(`/api/v1/data-sources/${id}`)).status, 404);
      assert.equal((await t.admin.patch(`/api/v1/data-sources/${id}`, { name: 'x' })).status, 404);
      assert.equal((await t.admin.delete(`/api/v1/data-sources/${id}`)).status, 404);
      assert.equal((await t.admin.post(`/api/v1/data-sources/${id}/test`)).status, 404);
      assert.equal(await t.services.store.dataSources.get(id), undefined);

      const events = await t.services.store.audit.list({
        objectType: 'data-source',
        objectId: id,
        limit: 10,
      });
      assert.deepEqual(
        events.items.map((event) => event.action),
        ['data-source.delete', 'data-source.update', 'data-source.create'],
      );
    });

    it('refuses a user without settings.manage everything but the list (403), changing nothing', async () => {
      const source = await create({ name: 'Guarded', kind: 'sqlite', location: sqliteFile });
      const before = await snapshot();
      const url = `/api/v1/data-sources/${source.id}`;
      const attempts = [
        plain.client.post('/api/v1/data-sources', {
          name: 'Mine now',
          kind: 'sqlite',
          location: sqliteFile,
          access: {},
        }),
        plain.client.get(url),
        plain.client.patch(url, { access: { everyone: true } }),
        plain.client.delete(url),
        plain.client.post(`${url}/test`),
      ];
      for (const answer of await Promise.all(attempts)) {
        assert.equal(answer.status, 403, JSON.stringify(answer.body));
        assert.match(answer.body.detail, /settings\.manage/);
      }
      assert.equal((await t.anonymous.get('/api/v1/data-sources')).status, 401);
      assert.deepEqual(await snapshot(), before);

      const { client } = await t.user('dba', ['taskplanner', 'settings.manage']);
      assert.equal((await client.get(url)).status, 200);
      assert.equal((await client.delete(url)).status, 204);
    });

    it('keeps names unique regardless of case (409), creating and changing nothing', async () => {
      const orders = await create({ name: 'Orders', kind: 'sqlite', location: sqliteFile });
      const other = await create({ name: 'Other', kind: 'sqlite', location: sqliteFile });
      const before = await snapshot();
      for (const name of ['Orders', 'orders', 'ORDERS', 'Orders ']) {
        const taken = await t.admin.post('/api/v1/data-sources', {
          name,
          kind: 'postgres',
          location: TEST_DATABASE_URL,
          access: {},
        });
        assert.equal(taken.status, 409, `${name}: ${JSON.stringify(taken.body)}`);
        assert.equal(taken.body.code, 'NAME_TAKEN');
        assert.match(taken.body.detail, /already exists/);
      }
      const renamed = await t.admin.patch(`/api/v1/data-sources/${other.id}`, { name: 'oRdErS' });
      assert.equal(renamed.status, 409, JSON.stringify(renamed.body));
      assert.equal(renamed.body.code, 'NAME_TAKEN');
      assert.deepEqual(await snapshot(), before);

      const ownName = await t.admin.patch(`/api/v1/data-sources/${orders.id}`, { name: 'ORDERS' });
      assert.equal(ownName.status, 200, 'a source may change the case of its own name');
      assert.equal(ownName.body.name, 'ORDERS');
    });

    it('refuses a rename to a taken name with a trailing space (names are trimmed)', async () => {
      await create({ name: 'Invoices', kind: 'sqlite', location: sqliteFile });
      const other = await create({ name: 'Receipts', kind: 'sqlite', location: sqliteFile });
      const renamed = await t.admin.patch(`/api/v1/data-sources/${other.id}`, {
        name: 'invoices ',
      });
      assert.equal(renamed.status, 409, JSON.stringify(renamed.body));
      assert.equal((await t.services.store.dataSources.get(other.id))?.name, 'Receipts');
    });

    it('masks the password, seals it at rest, and keeps it when the mask is sent back', async () => {
      const source = await create({
        name: 'Warehouse',
        kind: 'mysql',
        location: mariadb.location,
        password: mariadb.password,
      });
      assert.equal(source.password, SECRET_MASK);
      const read = await t.admin.get(`/api/v1/data-sources/${source.id}`);
      const listed = await t.admin.get('/api/v1/data-sources');
      for (const body of [read.body, listed.body]) {
        assert.ok(JSON.stringify(body).includes(SECRET_MASK));
        assert.ok(!JSON.stringify(body).includes(mariadb.password), 'no password in clear');
      }
      const sealed = await storedPassword(source.id);
      assert.match(sealed, /^enc:v1:/);
      assert.equal(t.services.box.open(sealed), mariadb.password);
      assert.deepEqual(await test(source.id), {
        ok: true,
        message: "connected to mysql data source 'Warehouse'",
      });

      const kept = await t.admin.patch(`/api/v1/data-sources/${source.id}`, {
        name: 'Warehouse 2',
        password: SECRET_MASK,
      });
      assert.equal(kept.status, 200, JSON.stringify(kept.body));
      assert.equal(kept.body.password, SECRET_MASK);
      assert.equal(await storedPassword(source.id), sealed, 'the sealed value itself is kept');
      assert.equal((await test(source.id)).ok, true);

      const wrong = await t.admin.patch(`/api/v1/data-sources/${source.id}`, { password: 'wrong' });
      assert.equal(wrong.status, 200);
      assert.equal(t.services.box.open(await storedPassword(source.id)), 'wrong');
      const refused = await test(source.id);
      assert.equal(refused.ok, false);
      assert.match(refused.message, /Access denied/);

      await t.admin.patch(`/api/v1/data-sources/${source.id}`, { password: mariadb.password });
      assert.equal((await test(source.id)).ok, true);

      const cleared = await t.admin.patch(`/api/v1/data-sources/${source.id}`, { password: '' });
      assert.equal(cleared.body.password, '', 'an empty password is shown empty, not masked');
      assert.equal(await storedPassword(source.id), '');
    });

    it('keeps the password when a change does not send it', async () => {
      const source = await create({
        name: 'Ledger',
        kind: 'mysql',
        location: mariadb.location,
        password: mariadb.password,
      });
      const sealed = await storedPassword(source.id);
      const renamed = await t.admin.patch(`/api/v1/data-sources/${source.id}`, {
        name: 'Ledger 2',
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal(renamed.body.password, SECRET_MASK);
      assert.equal(await storedPassword(source.id), sealed);
      assert.equal((await test(source.id)).ok, true);
    });

    it('refuses the mask on a new data source (400 naming /password), creating nothing', async () => {
      const before = await snapshot();
      const refused = await t.admin.post('/api/v1/data-sources', {
        name: 'Masked',
        kind: 'postgres',
        location: TEST_DATABASE_URL,
        password: SECRET_MASK,
        access: {},
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.errors[0].path, '/password');
      assert.deepEqual(await snapshot(), before);
    });

    it('lists to a plain user only the sources they may query, as {id, name, kind}', async () => {
      const reader = await t.user('reader');
      const group = await t.admin.post('/api/v1/groups', {
        name: 'Analysts',
        memberIds: [reader.id],
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      const otherGroup = await t.admin.post('/api/v1/groups', { name: 'Others' });
      const kind = 'postgres';
      const location = TEST_DATABASE_URL;
      const everyone = await create({
        name: 'R public',
        kind,
        location,
        access: { everyone: true },
      });
      const direct = await create({
        name: 'R direct',
        kind,
        location,
        access: { userIds: [reader.id] },
      });
      const viaGroup = await create({
        name: 'R group',
        kind,
        location,
        access: { groupIds: [group.body.id] },
      });
      await create({ name: 'R hidden', kind, location, access: { userIds: [plain.id] } });
      await create({
        name: 'R other group',
        kind,
        location,
        access: { groupIds: [otherGroup.body.id] },
      });

      const listed = await reader.client.get('/api/v1/data-sources');
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      assert.deepEqual(listed.body.items, [
        { id: direct.id, name: 'R direct', kind },
        { id: viaGroup.id, name: 'R group', kind },
        { id: everyone.id, name: 'R public', kind },
      ]);

      const { client: stranger } = await t.user('stranger');
      assert.deepEqual((await stranger.get('/api/v1/data-sources')).body.items, [
        { id: everyone.id, name: 'R public', kind },
      ]);
      const all = await t.admin.get('/api/v1/data-sources');
      const names = all.body.items.map((each: { name: string }) => each.name);
      for (const name of ['R public', 'R direct', 'R group', 'R hidden', 'R other group'])
        assert.ok(names.includes(name), name);
      assert.ok(all.body.items.every((each: { location?: string }) => each.location));
    });

    it('tests connections: ok for the local PostgreSQL, a SQLite file and MariaDB', async () => {
      const sources = [
        await create({ name: 'T postgres', kind: 'postgres', location: TEST_DATABASE_URL }),
        await create({ name: 'T sqlite', kind: 'sqlite', location: sqliteFile }),
        await create({ name: 'T mariadb', kind: 'mysql', location: TEST_MYSQL_URL }),
      ];
      for (const source of sources) {
        assert.deepEqual(await test(source.id), {
          ok: true,
          message: `connected to ${source.kind} data source '${source.name}'`,
        });
      }
    });

    it('tests connections: not ok, saying why, for a wrong password, missing file or database', async () => {
      const missingFile = join(base, 'missing.db');
      const missingFolder = join(base, 'no-folder', 'missing.db');
      const wrongDatabase = new URL(TEST_DATABASE_URL);
      wrongDatabase.pathname = '/no_such_database_here';
      const cases: [Record<string, unknown>, RegExp][] = [
        [
          {
            name: 'F password',
            kind: 'mysql',
            location: TEST_MYSQL_URL,
            password: 'not-the-password',
          },
          /Access denied for user/,
        ],
        [{ name: 'F file', kind: 'sqlite', location: missingFile }, /unable to open database file/],
        [{ name: 'F folder', kind: 'sqlite', location: missingFolder }, /directory does not exist/],
        [
          { name: 'F database', kind: 'postgres', location: wrongDatabase.toString() },
          /database "no_such_database_here" does not exist/,
        ],
      ];
      for (const [body, message] of cases) {
        const source = await create(body);
        const answer = await test(source.id);
        assert.equal(answer.ok, false, JSON.stringify(answer));
        assert.match(answer.message, message);
      }
      assert.equal(existsSync(missingFile), false, 'testing does not create a SQLite file');
    });

    it('refuses wrong, huge and hostile input (400 naming the field), changing nothing', async () => {
      const source = await create({ name: 'Valid', kind: 'sqlite', location: sqliteFile });
      const valid = { name: 'New one', kind: 'sqlite', location: sqliteFile, access: {} };
      const creates: [unknown, RegExp][] = [
        [{ ...valid, kind: 'oracle' }, /^\/kind$/],
        [{ ...valid, name: '' }, /^\/name$/],
        [{ ...valid, name: ' leading space' }, /^\/name$/],
        [{ ...valid, name: '../../etc/passwd' }, /^\/name$/],
        [{ ...valid, name: "x' OR '1'='1" }, /^\/name$/],
        [{ ...valid, name: 'n'.repeat(101) }, /^\/name$/],
        [{ ...valid, name: 42 }, /^\/name$/],
        [{ ...valid, location: '' }, /^\/location$/],
        [{ ...valid, location: 'l'.repeat(4097) }, /^\/location$/],
        [{ ...valid, password: 'p'.repeat(1025) }, /^\/password$/],
        [{ ...valid, access: undefined }, /access/],
        [{ ...valid, access: { everyone: 'yes' } }, /^\/access\/everyone$/],
        [{ ...valid, access: { userIds: 'all' } }, /^\/access\/userIds$/],
        [{ ...valid, access: { userIds: ['u'.repeat(65)] } }, /^\/access\/userIds\/0$/],
        [{ ...valid, access: { admin: true } }, /access/],
        [{ ...valid, id: 'chosen-id' }, /id/],
        [[valid], /^\/?$|body/],
      ];
      const changes: [unknown, RegExp][] = [
        [{ kind: 'oracle' }, /^\/kind$/],
        [{ name: '' }, /^\/name$/],
        [{ name: 'a/b' }, /^\/name$/],
        [{ location: '' }, /^\/location$/],
        [{ createdAt: '2000-01-01T00:00:00Z' }, /createdAt/],
      ];
      const requests = [
        ...creates.map(
          ([body, path]) => [() => t.admin.post('/api/v1/data-sources', body), body, path] as const,
        ),
        ...changes.map(
          ([body, path]) =>
            [() => t.admin.patch(`/api/v1/data-sources/${source.id}`, body), body, path] as const,
        ),
      ];
      for (const [send, body, path] of requests) {
        const before = await snapshot();
        const refused = await send();
        const shown = JSON.stringify(body).slice(0, 80);
        assert.equal(refused.status, 400, `${shown}: ${JSON.stringify(refused.body)}`);
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        const paths = (refused.body.errors ?? []).map((each: { path: string }) => each.path);
        assert.ok(
          paths.some((each: string) => path.test(each)) || path.test(refused.body.detail),
          `${shown} -> ${JSON.stringify(refused.body)}`,
        );
        assert.deepEqual(await snapshot(), before, shown);
      }
      const longId = await t.admin.get(`/api/v1/data-sources/${'x'.repeat(65)}`);
      assert.equal(longId.status, 400);
      assert.equal(longId.body.errors[0].in, 'path');
      const hostileId = await t.admin.get(
        `/api/v1/data-sources/${encodeURIComponent("' or 1=1 --")}`,
      );
      assert.equal(hostileId.status, 404);
    });
  });
}
