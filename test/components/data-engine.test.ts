import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Run } from '../../src/domain/run.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { DATABASE_KINDS, seedOrders, type SeededDatabase } from '../support/data-databases.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runTask } from '../support/engine-runs.ts';

/** Every permission the data kinds use. */
const DATA_PERMISSIONS = ['taskplanner', 'job.sql', 'series.files', 'series.group', 'audit.read'];

let seeded: SeededDatabase[] = [];
let folder: string;

before(async () => {
  seeded = await Promise.all(DATABASE_KINDS.map(seedOrders));
  folder = await realpath(await mkdtemp(join(tmpdir(), 'tp-data-engine-')));
  await writeFile(join(folder, 'people.csv'), 'login,name\nann,"Smith, Ann"\nbob,Bob\n');
  await writeFile(join(folder, 'people.json'), JSON.stringify([{ login: 'carl' }]));
});
after(async () => {
  await Promise.all(seeded.map((database) => database.drop()));
  await rm(folder, { recursive: true, force: true });
});

/** The one failed component's message, or the run's reason when nothing ran. */
function failure(run: Run): string {
  const component = run.items
    .flatMap((item) => item.components)
    .find((each) => each.status === 'failed');
  return component?.message ?? run.reason ?? '';
}

for (const backend of await backends()) {
  describe(`data kinds through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;

    async function artifactText(client: ApiClient, run: Run): Promise<string> {
      const artifactId = run.results[0]?.artifactId;
      assert.ok(artifactId, JSON.stringify(run.results));
      const downloaded = await client.get(`/api/v1/runs/${run.id}/artifacts/${artifactId}`);
      assert.equal(downloaded.status, 200);
      return String(downloaded.body);
    }

    before(async () => {
      t = await startEngineApp(backend, 'data-kinds');
      const settings = await t.admin.patch('/api/v1/settings', { folderRoots: [folder] });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      const everyone = { everyone: true, userIds: [], groupIds: [] };
      for (const database of seeded) {
        const created = await t.admin.post('/api/v1/data-sources', {
          name: `shop-${database.kind}`,
          kind: database.kind,
          location: database.target.location,
          access: everyone,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      const sqlite = seeded.find((database) => database.kind === 'sqlite');
      const closed = await t.admin.post('/api/v1/data-sources', {
        name: 'closed',
        kind: 'sqlite',
        location: sqlite?.target.location,
        access: { everyone: false, userIds: [], groupIds: [] },
      });
      assert.equal(closed.status, 201, JSON.stringify(closed.body));
      alice = (await t.user('alice', DATA_PERMISSIONS)).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
    });
    after(async () => {
      await t?.close();
    });

    for (const kind of DATABASE_KINDS) {
      it(`sql-report on ${kind}: binds parameters, writes the file, and honours hasRows`, async () => {
        const table = seeded.find((database) => database.kind === kind)?.table;
        const job = {
          id: 'report',
          kind: 'sql-report',
          config: {
            dataSource: `shop-${kind}`,
            query: `select id, customer from ${table} where customer = {who}`,
            fileName: 'orders of {who}',
          },
          condition: { hasRows: true },
        };
        const matched = await runTask(t, alice, { jobs: [job] }, { who: "x' OR '1'='1" });
        assert.equal(matched.status, 'succeeded', failure(matched));
        assert.equal(matched.results[0]?.name, "orders of x' OR '1'='1.csv");
        assert.equal(matched.results[0]?.valid, true);
        const records = parse<Record<string, string>>(await artifactText(alice, matched), {
          columns: true,
        });
        assert.deepEqual(
          records.map((record) => record.customer),
          ["x' OR '1'='1"],
        );
        const injected = await runTask(t, alice, { jobs: [job] }, { who: "none' OR '1'='1" });
        assert.equal(injected.status, 'succeeded', failure(injected));
        assert.equal(injected.results[0]?.valid, false, 'no rows: the file is not valid');
      });
    }

    it('sql-report fails for an owner without job.sql, and on a data source the owner may not use', async () => {
      const job = { kind: 'sql-report', config: { dataSource: 'shop-sqlite', query: 'select 1' } };
      const refused = await runTask(t, bob, { jobs: [job] });
      assert.equal(refused.status, 'failed');
      assert.match(failure(refused), /needs the permission 'job\.sql'/);
      const closedJob = { kind: 'sql-report', config: { dataSource: 'closed', query: 'select 1' } };
      const unsaved = await alice.post('/api/v1/tasks', { name: 'Closed', jobs: [closedJob] });
      assert.equal(unsaved.status, 400, 'refused at save (test/api/save-checks.test.ts)');
      // Named through a placeholder, the data source is known only when the task runs.
      const viaPlaceholder = { ...closedJob, config: { ...closedJob.config, dataSource: '{db}' } };
      const closed = await runTask(t, alice, { jobs: [viaPlaceholder] }, { db: 'closed' });
      assert.equal(closed.status, 'failed');
      assert.match(
        failure(closed),
        /the data source 'closed' does not exist or the task's owner may not use it/,
      );
    });

    it('audit-export writes the audit log of a period; an owner without audit.read is refused', async () => {
      const job = {
        kind: 'audit-export',
        config: { period: { from: '2026-01-01', to: '2027-01-01' } },
      };
      const exported = await runTask(t, alice, { jobs: [job] });
      assert.equal(exported.status, 'succeeded', failure(exported));
      assert.equal(exported.results[0]?.name, 'audit-2026-01-01.csv');
      const records = parse<Record<string, string>>(await artifactText(alice, exported), {
        columns: true,
      });
      const created = records.find(
        (record) =>
          record.action === 'user.create' && JSON.parse(record.details ?? '{}').login === 'alice',
      );
      assert.ok(created, JSON.stringify(records));
      assert.equal(created.actor, 'admin');
      const refused = await runTask(t, bob, { jobs: [job] });
      assert.equal(refused.status, 'failed');
      assert.match(failure(refused), /needs the permission 'audit\.read'/);
    });

    it('series csv runs once per row, with the fields as placeholders; refused without series.files', async () => {
      const task = {
        series: { kind: 'csv', config: { file: join(folder, 'people.csv') } },
        jobs: [{ kind: 'text', config: { text: 'hello {name}' } }],
      };
      const ran = await runTask(t, alice, task);
      assert.equal(ran.status, 'succeeded', failure(ran));
      assert.deepEqual(
        ran.items.map((item) => item.values),
        [
          { login: 'ann', name: 'Smith, Ann' },
          { login: 'bob', name: 'Bob' },
        ],
      );
      assert.deepEqual(
        ran.results.map((result) => result.text),
        ['hello Smith, Ann', 'hello Bob'],
      );
      const refused = await runTask(t, bob, task);
      assert.equal(refused.status, 'failed');
      assert.match(failure(refused), /needs the permission 'series\.files'/);
    });

    it('series json: items need no permission, a file needs series.files', async () => {
      const inline = { series: { kind: 'json', config: { items: [{ n: 1 }, { n: 2 }] } } };
      const ran = await runTask(t, bob, { ...inline, jobs: [{ kind: 'noop' }] });
      assert.equal(ran.status, 'succeeded', failure(ran));
      assert.deepEqual(
        ran.items.map((item) => item.values),
        [{ n: 1 }, { n: 2 }],
      );
      const fromFile = { series: { kind: 'json', config: { file: join(folder, 'people.json') } } };
      const read = await runTask(t, alice, { ...fromFile, jobs: [{ kind: 'noop' }] });
      assert.deepEqual(
        read.items.map((item) => item.values),
        [{ login: 'carl' }],
      );
      const refused = await runTask(t, bob, { ...fromFile, jobs: [{ kind: 'noop' }] });
      assert.equal(refused.status, 'failed');
      assert.match(failure(refused), /needs the permission 'series\.files'/);
      const invalid = await bob.post('/api/v1/tasks', {
        name: 'neither',
        series: { kind: 'json', config: {} },
      });
      assert.equal(invalid.status, 400, 'a json series with neither items nor file is refused');
    });

    it('series sql runs once per row a query returns; refused without job.sql', async () => {
      const table = seeded.find((database) => database.kind === 'postgres')?.table;
      const task = {
        series: {
          kind: 'sql',
          config: {
            dataSource: 'shop-postgres',
            query: `select customer from ${table} where id >= {from} order by id`,
          },
        },
        jobs: [{ kind: 'noop' }],
      };
      const ran = await runTask(t, alice, task, { from: '2' });
      assert.equal(ran.status, 'succeeded', failure(ran));
      assert.deepEqual(
        ran.items.map((item) => item.values),
        [{ customer: "x' OR '1'='1" }, { customer: 'Bob, "the builder"' }],
      );
      const refused = await runTask(t, bob, task, { from: '2' });
      assert.equal(refused.status, 'failed');
      assert.match(failure(refused), /needs the permission 'job\.sql'/);
    });

    it('series group runs once per enabled member; refused without series.group', async () => {
      const carol = await t.user('carol', ['taskplanner']);
      const dave = await t.user('dave', ['taskplanner']);
      const aliceId = (await alice.get('/api/v1/me')).body.id as string;
      const group = await t.admin.post('/api/v1/groups', {
        name: 'Readers',
        memberIds: [carol.id, dave.id, aliceId],
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      const disabled = await t.admin.patch(`/api/v1/users/${dave.id}`, { disabled: true });
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      const task = {
        series: { kind: 'group', config: { group: 'readers' } },
        jobs: [{ kind: 'text', config: { text: 'to {email}' } }],
      };
      const ran = await runTask(t, alice, task);
      assert.equal(ran.status, 'succeeded', failure(ran));
      assert.deepEqual(
        ran.items.map((item) => item.values),
        [
          { id: aliceId, login: 'alice', name: 'alice', email: null },
          { id: carol.id, login: 'carol', name: 'carol', email: null },
        ],
      );
      const refused = await runTask(t, bob, task);
      assert.equal(refused.status, 'failed');
      assert.match(failure(refused), /needs the permission 'series\.group'/);
    });

    it('series group lists only a group the owner belongs to; others look like missing ones', async () => {
      const erin = await t.user('erin', ['taskplanner']);
      const group = await t.admin.post('/api/v1/groups', { name: 'Payroll', memberIds: [erin.id] });
      assert.equal(group.status, 201);
      const foreign = await runTask(t, alice, {
        series: { kind: 'group', config: { group: 'payroll' } },
        jobs: [{ kind: 'text', config: { text: 'to {email}' } }],
      });
      const missing = await runTask(t, alice, {
        series: { kind: 'group', config: { group: 'no-such-group' } },
        jobs: [{ kind: 'text', config: { text: 'to {email}' } }],
      });
      assert.equal(foreign.status, 'failed');
      assert.equal(foreign.items.length, 0, 'no member was listed');
      assert.match(failure(foreign), /is in no group 'payroll'/);
      assert.equal(
        failure(foreign).replace('payroll', 'X'),
        failure(missing).replace('no-such-group', 'X'),
      );
      const opened = await t.admin.patch(`/api/v1/groups/${group.body.id}`, {
        usableInSeries: true,
      });
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      assert.equal(opened.body.usableInSeries, true);
      const usable = await runTask(t, alice, {
        series: { kind: 'group', config: { group: 'payroll' } },
        jobs: [{ kind: 'text', config: { text: 'to {email}' } }],
      });
      assert.equal(usable.status, 'succeeded', failure(usable));
      assert.deepEqual(
        usable.items.map((item) => item.values.login),
        ['erin'],
      );
    });
  });
}
