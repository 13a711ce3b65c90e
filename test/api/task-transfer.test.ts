import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'Bearer transfer-SECRET-77';
const SMTP_PASSWORD = 'smtp-transfer-PASS-31';

/** A task with a secret at the top of a config (http job) and one nested (the email's smtp). */
function withSecrets(name: string) {
  return {
    name,
    triggers: [{ id: 'web', kind: 'http', config: {} }],
    jobs: [
      {
        id: 'fetch',
        kind: 'http',
        config: { url: 'http://127.0.0.1:9/report', authorization: TOKEN },
      },
    ],
    actions: [
      {
        id: 'mail',
        kind: 'email',
        config: {
          to: ['bob@example.com'],
          smtp: { host: 'smtp.example.com', from: 'r@example.com', password: SMTP_PASSWORD },
        },
      },
    ],
  };
}

/** A task that follows another (after-task) and starts it again (next-task). */
function following(name: string, taskId: string) {
  return {
    name,
    enabled: false,
    triggers: [{ id: 'after', kind: 'after-task', config: { taskId, on: 'success' } }],
    actions: [{ id: 'again', kind: 'next-task', config: { taskId } }],
  };
}

function document(tasks: unknown[], extra: Record<string, unknown> = {}) {
  return { format: 'taskplanner-tasks', version: 1, tasks, ...extra };
}

for (const backend of await backends()) {
  describe(`task export and import API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let alice: ApiClient;
    let bob: ApiClient;
    let aliceId: string;
    let bobId: string;

    /** Every task of the server, by id (what an import must leave alone when it refuses). */
    async function allTaskIds(): Promise<string[]> {
      const listed = await t.admin.get('/api/v1/tasks?owner=all&limit=500');
      assert.equal(listed.status, 200);
      return listed.body.items.map((task: { id: string }) => task.id).sort();
    }

    async function create(client: ApiClient, body: unknown): Promise<string> {
      const created = await client.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    before(async () => {
      t = await startTestApp(backend, 'task-transfer');
      const a = await t.user('alice');
      const b = await t.user('bob');
      alice = a.client;
      bob = b.client;
      aliceId = a.id;
      bobId = b.id;
    });
    after(async () => {
      await t?.close();
    });

    it('exports and imports tasks as new ones: ids remapped, references kept, secrets reported missing', async () => {
      const source = await create(alice, withSecrets('Source report'));
      const follower = await create(alice, following('Follower', source));
      const exported = await alice.post('/api/v1/tasks/export', { ids: [source, follower] });
      assert.equal(exported.status, 200, JSON.stringify(exported.body));
      const text = JSON.stringify(exported.body);
      assert.ok(!text.includes(TOKEN) && !text.includes(SMTP_PASSWORD), 'no clear secret');
      assert.ok(!text.includes('enc:v1:'), 'no sealed secret either');
      assert.equal(exported.body.format, 'taskplanner-tasks');
      assert.deepEqual(
        exported.body.tasks.map((task: { id: string; owner: string }) => [task.id, task.owner]),
        [
          [source, 'alice'],
          [follower, 'alice'],
        ],
      );
      assert.equal(exported.body.tasks[0].jobs[0].config.authorization, SECRET_MASK);

      const imported = await alice.post('/api/v1/tasks/import', exported.body);
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const [newSource, newFollower] = imported.body.tasks;
      assert.deepEqual(
        imported.body.tasks.map((each: { name: string; sourceId: string; enabled: boolean }) => [
          each.name,
          each.sourceId,
          each.enabled,
        ]),
        [
          ['Source report', source, false],
          ['Follower', follower, false],
        ],
        'the task with missing secrets arrives disabled; the other as exported',
      );
      assert.ok(![source, follower].includes(newSource.id) && newSource.id !== newFollower.id);
      assert.deepEqual(
        [...imported.body.missingSecrets].sort((a, b) => a.field.localeCompare(b.field)),
        [
          {
            task: newSource.id,
            taskName: 'Source report',
            category: 'job',
            component: 'fetch',
            kind: 'http',
            field: '/authorization',
          },
          {
            task: newSource.id,
            taskName: 'Source report',
            category: 'action',
            component: 'mail',
            kind: 'email',
            field: '/smtp/password',
          },
        ],
      );

      const copy = (await alice.get(`/api/v1/tasks/${newFollower.id}`)).body;
      assert.equal(copy.ownerId, aliceId);
      assert.equal(copy.revision, 1, 'created with the new id at once, not changed afterwards');
      assert.deepEqual(copy.triggers[0].config, { taskId: newSource.id, on: 'success' });
      assert.equal(copy.actions[0].config.taskId, newSource.id);
      const stored = await t.services.store.tasks.get(newSource.id);
      assert.equal(stored?.jobs[0]?.config.authorization, '', 'the secret is empty, not masked');
      const original = (await alice.get(`/api/v1/tasks/${follower}`)).body;
      assert.equal(original.triggers[0].config.taskId, source, 'the original is unchanged');
    });

    it('lets another user import the same document for themselves, references kept among the new tasks', async () => {
      const source = await create(alice, { name: 'Shared chain start' });
      const follower = await create(alice, following('Shared chain next', source));
      const exported = (await alice.post('/api/v1/tasks/export', { ids: [follower, source] })).body;
      const imported = await bob.post('/api/v1/tasks/import', exported);
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const [newFollower, newSource] = imported.body.tasks;
      const copy = (await bob.get(`/api/v1/tasks/${newFollower.id}`)).body;
      assert.equal(copy.ownerId, bobId);
      assert.equal(copy.triggers[0].config.taskId, newSource.id);
      assert.deepEqual(imported.body.missingSecrets, []);
    });

    it("exports the caller's own tasks by default, and another owner's only for administrators", async () => {
      const own = await create(bob, { name: 'Bob export default' });
      const mine = await bob.post('/api/v1/tasks/export', {});
      assert.equal(mine.status, 200);
      const owners = new Set(mine.body.tasks.map((task: { owner: string }) => task.owner));
      assert.deepEqual([...owners], ['bob']);
      assert.ok(mine.body.tasks.some((task: { id: string }) => task.id === own));

      const byOwner = await bob.post('/api/v1/tasks/export', { owner: aliceId });
      assert.equal(byOwner.status, 403);
      assert.equal(byOwner.body.code, 'FORBIDDEN');
      assert.equal((await bob.post('/api/v1/tasks/export', { owner: 'all' })).status, 403);

      const asAdmin = await t.admin.post('/api/v1/tasks/export', { owner: aliceId });
      assert.equal(asAdmin.status, 200);
      assert.ok(asAdmin.body.tasks.length > 0);
      assert.ok(asAdmin.body.tasks.every((task: { owner: string }) => task.owner === 'alice'));
      const both = await t.admin.post('/api/v1/tasks/export', { ids: [own], owner: aliceId });
      assert.equal(both.status, 400);
    });

    it("answers another user's export of alice's task as 404, exactly as for a missing one", async () => {
      const hers = await create(alice, withSecrets('Alice private'));
      const seen = await bob.post('/api/v1/tasks/export', { ids: [hers] });
      const missingId = randomUUID();
      const missing = await bob.post('/api/v1/tasks/export', { ids: [missingId] });
      assert.equal(seen.status, 404);
      assert.equal(seen.body.code, 'NOT_FOUND');
      assert.equal(
        seen.body.detail.replace(hers, '<id>'),
        missing.body.detail.replace(missingId, '<id>'),
      );
      assert.ok(!JSON.stringify(seen.body).includes('Alice private'));
      const mixed = await bob.post('/api/v1/tasks/export', {
        ids: [await create(bob, { name: 'Bob own' }), hers],
      });
      assert.equal(mixed.status, 404, 'one invisible task refuses the whole export');

      const asAdmin = await t.admin.post('/api/v1/tasks/export', { ids: [hers] });
      assert.equal(asAdmin.status, 200);
      assert.equal(asAdmin.body.tasks[0].actions[0].config.smtp.password, SECRET_MASK);
    });

    it('imports for another user only as an administrator', async () => {
      const body = document([{ name: 'For alice' }], { owner: 'alice' });
      const before = await allTaskIds();
      const refused = await bob.post('/api/v1/tasks/import', body);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'FORBIDDEN');
      const unknown = await bob.post('/api/v1/tasks/import', { ...body, owner: 'nobody-here' });
      assert.equal(unknown.status, 403, 'a non-administrator learns nothing of other logins');
      assert.deepEqual(await allTaskIds(), before);

      const made = await t.admin.post('/api/v1/tasks/import', body);
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(
        (await alice.get(`/api/v1/tasks/${made.body.tasks[0].id}`)).body.ownerId,
        aliceId,
      );
      const nobody = await t.admin.post('/api/v1/tasks/import', { ...body, owner: 'nobody-here' });
      assert.equal(nobody.status, 400);
      assert.match(nobody.body.detail, /nobody-here/);
    });

    it('warns, per task, of each permission its new owner lacks and its runs would need', async () => {
      const carol = await t.user('carol', ['taskplanner', 'job.http']);
      const body = document(
        [
          {
            name: 'Needs more than carol holds',
            enabled: false,
            triggers: [{ id: 'web', kind: 'http', config: {} }],
            jobs: [{ id: 'fetch', kind: 'http', config: { url: 'http://127.0.0.1:9/report' } }],
            actions: [{ id: 'mail', kind: 'email', config: { to: ['carol@example.com'] } }],
          },
          {
            name: 'Within what carol holds',
            jobs: [{ id: 'fetch', kind: 'http', config: { url: 'http://127.0.0.1:9/report' } }],
          },
        ],
        { owner: 'carol' },
      );
      const imported = await t.admin.post('/api/v1/tasks/import', body);
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const [needy, fine] = imported.body.tasks;
      assert.deepEqual(needy.warnings, [
        {
          code: 'owner-lacks-permission',
          message:
            "trigger web (http) needs the permission 'trigger.http', which the owner 'carol' does not hold",
        },
        {
          code: 'owner-lacks-permission',
          message:
            "action mail (email) needs the permission 'action.email', which the owner 'carol' does not hold",
        },
      ]);
      assert.deepEqual(fine.warnings, [], 'job.http is held: nothing to warn of');
      const stored = (await carol.client.get(`/api/v1/tasks/${needy.id}`)).body;
      assert.equal(stored.ownerId, carol.id, 'imported all the same, for carol');

      const own = await alice.post('/api/v1/tasks/import', document([{ name: 'Plain' }]));
      assert.equal(own.status, 201, JSON.stringify(own.body));
      assert.deepEqual(own.body.tasks[0].warnings, []);
    });

    it('rewrites references in a cycle and to the task itself once all tasks exist', async () => {
      const body = document([
        {
          id: 'one',
          name: 'Cycle one',
          triggers: [{ kind: 'after-task', config: { taskId: 'two' } }],
        },
        {
          id: 'two',
          name: 'Cycle two',
          triggers: [{ kind: 'after-task', config: { taskId: 'one' } }],
          actions: [{ kind: 'next-task', config: { taskId: 'two' } }],
        },
      ]);
      const imported = await bob.post('/api/v1/tasks/import', body);
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const [one, two] = imported.body.tasks;
      const first = (await bob.get(`/api/v1/tasks/${one.id}`)).body;
      const second = (await bob.get(`/api/v1/tasks/${two.id}`)).body;
      assert.equal(first.triggers[0].config.taskId, two.id);
      assert.equal(second.triggers[0].config.taskId, one.id);
      assert.equal(second.actions[0].config.taskId, two.id);
      const stored = await t.services.store.tasks.get(two.id);
      assert.equal(stored?.triggers[0]?.config.taskId, one.id);
    });

    it('keeps a reference to a task outside the document that the importer can see', async () => {
      const own = await create(bob, { name: 'Bob existing' });
      const imported = await bob.post(
        '/api/v1/tasks/import',
        document([following('Follows an existing one', own)]),
      );
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const copy = (await bob.get(`/api/v1/tasks/${imported.body.tasks[0].id}`)).body;
      assert.equal(copy.triggers[0].config.taskId, own);
    });

    describe('refuses hostile documents with 400, naming the problem, and creates nothing', () => {
      const nested = () => {
        let value: unknown = 'deep';
        for (let level = 0; level < 100; level++) value = [value];
        return value;
      };
      const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
        [
          'a wrong format',
          async () => ({ ...document([{ name: 'x' }]), format: 'other' }),
          /format/,
        ],
        ['another version', async () => ({ ...document([{ name: 'x' }]), version: 2 }), /version/],
        [
          'tasks that are no list',
          async () => ({ ...document([]), tasks: { name: 'x' } }),
          /tasks/,
        ],
        ['no document at all', async () => [1, 2, 3], /object/],
        [
          '10,000 tasks',
          async () => document(Array.from({ length: 10_000 }, (_, i) => ({ name: `t${i}` }))),
          /1000/,
        ],
        [
          'deep nesting',
          async () =>
            document([{ name: 'deep', jobs: [{ kind: 'file', config: { content: nested() } }] }]),
          /deeper than 64/,
        ],
        ['an unknown field', async () => document([{ name: 'x', sneaky: true }]), /sneaky/],
        [
          'two tasks with one id',
          async () =>
            document([
              { id: 'same', name: 'a' },
              { id: 'same', name: 'b' },
            ]),
          /same id/,
        ],
        [
          'a good task before a bad one',
          async () => document([{ name: 'fine' }, { name: 'bad', triggers: [{ kind: 'nope' }] }]),
          /Task 1.*nope/,
        ],
        [
          'a reference to a task the importer cannot see',
          async () => {
            const hers = await create(alice, { name: 'Alice hidden target' });
            return document([{ name: 'Fine first' }, following('Refers to alice', hers)]);
          },
          /\/tasks\/1\/triggers\/0\/config\/taskId: .*not in the document and not a task 'bob' can see/,
        ],
        [
          'a reference to a task that does not exist',
          async () => document([following('Refers to nothing', randomUUID())]),
          /not in the document/,
        ],
      ];
      for (const [what, make, named] of cases) {
        it(what, async () => {
          const body = await make();
          const before = await allTaskIds();
          const response = await bob.post('/api/v1/tasks/import', body);
          assert.equal(response.status, 400, JSON.stringify(response.body).slice(0, 500));
          assert.match(String(response.headers['content-type']), /application\/problem\+json/);
          const said = `${response.body.detail} ${JSON.stringify(response.body.errors ?? [])}`;
          assert.match(said, named);
          assert.deepEqual(await allTaskIds(), before);
        });
      }
    });

    it('refuses a document larger than the body limit with 413', async () => {
      // 201 tasks of 9000 characters each: about 1.8 MB, past the test app's 1 MiB.
      const big = document(
        Array.from({ length: 201 }, (_, i) => ({ name: `t${i}`, description: 'x'.repeat(9000) })),
      );
      const before = await allTaskIds();
      const response = await bob.post('/api/v1/tasks/import', big);
      assert.equal(response.status, 413);
      assert.equal(response.body.code, 'BODY_TOO_LARGE');
      assert.deepEqual(await allTaskIds(), before);
    });
  });
}
