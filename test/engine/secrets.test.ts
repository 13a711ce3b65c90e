import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { operatorCaller } from '../../src/auth/caller.ts';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import { exportTasks } from '../../src/tasks/task-export.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';

const TOKEN = 'Bearer hunter2-SECRET-42';
const SMTP_PASSWORD = 'smtp-PASS-9876';

/** A definition with a secret at the top of a config (http job) and one nested (email action's smtp). */
function definition(peer: HttpPeer, overrides: Record<string, unknown> = {}) {
  return {
    name: 'with secrets',
    enabled: false,
    jobs: [{ id: 'fetch', kind: 'http', config: { url: `${peer.url}/ok`, authorization: TOKEN } }],
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
    ...overrides,
  };
}

/** The parts of a task view a PUT accepts. */
function replaceBody(view: Record<string, unknown>, changes: Record<string, unknown> = {}) {
  const { name, description, enabled, timezone, triggers, jobs, actions, series } = view;
  return { name, description, enabled, timezone, triggers, jobs, actions, series, ...changes };
}

function assertAbsent(text: string, where: string, ...secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where} shows the clear secret ${secret}: ${text}`);
  }
}

for (const backend of await backends()) {
  describe(`secrets in task configs on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let peer: HttpPeer;
    let alice: { id: string; client: ApiClient };

    /** The stored (sealed) configs of a task's http job and email action. */
    async function stored(taskId: string) {
      const task = await t.services.store.tasks.get(taskId);
      assert.ok(task, `task ${taskId} is stored`);
      const job = task.jobs.find((each) => each.id === 'fetch')?.config as
        { authorization?: string } | undefined;
      const mail = task.actions.find((each) => each.id === 'mail')?.config as
        { smtp?: { password?: string } } | undefined;
      return {
        task,
        authorization: job?.authorization ?? '',
        password: mail?.smtp?.password ?? '',
      };
    }

    async function create(body: Record<string, unknown>): Promise<string> {
      const created = await alice.client.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    async function taskCount(): Promise<number> {
      const listed = await alice.client.get('/api/v1/tasks?limit=500');
      return listed.body.items.length;
    }

    before(async () => {
      peer = await startHttpPeer();
      peer.route('/ok', answer(200, { 'content-type': 'text/plain' }, 'fine'));
      peer.route('/reject', (request, response) => {
        // A server that quotes the credentials it refused, as some do.
        response.writeHead(401, `token ${String(request.headers.authorization)} refused`);
        response.end();
      });
      t = await startEngineApp(backend, 'secrets');
      alice = await t.user('alice', ['taskplanner', 'job.http', 'action.email']);
    });
    after(async () => {
      await t?.close();
      await peer?.close();
    });

    it('stores a secret field sealed (enc:v1:) and answers with the mask', async () => {
      const created = await alice.client.post('/api/v1/tasks', definition(peer));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.jobs[0].config.authorization, SECRET_MASK);
      assert.equal(created.body.actions[0].config.smtp.password, SECRET_MASK);
      assert.equal(created.body.actions[0].config.smtp.host, 'smtp.example.com');
      assertAbsent(JSON.stringify(created.body), 'the create answer', TOKEN, SMTP_PASSWORD);

      const { authorization, password } = await stored(created.body.id);
      for (const [sealed, clear] of [
        [authorization, TOKEN],
        [password, SMTP_PASSWORD],
      ] as const) {
        assert.match(sealed, /^enc:v1:[A-Za-z0-9_-]+$/);
        assertAbsent(sealed, 'the stored value', clear);
        assert.equal(t.services.box.open(sealed), clear);
      }
    });

    it('masks secrets in GET, in the task list and in the export; an empty one stays empty', async () => {
      const taskId = await create(
        definition(peer, {
          jobs: [
            { id: 'fetch', kind: 'http', config: { url: `${peer.url}/ok`, authorization: TOKEN } },
          ],
        }),
      );
      const none = await create(
        definition(peer, {
          name: 'no secret',
          jobs: [
            { id: 'fetch', kind: 'http', config: { url: `${peer.url}/ok`, authorization: '' } },
          ],
          actions: [],
        }),
      );
      const got = await alice.client.get(`/api/v1/tasks/${taskId}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.jobs[0].config.authorization, SECRET_MASK);
      assert.equal(got.body.actions[0].config.smtp.password, SECRET_MASK);
      assert.equal(
        (await alice.client.get(`/api/v1/tasks/${none}`)).body.jobs[0].config.authorization,
        '',
      );
      const listed = await t.admin.get('/api/v1/tasks?owner=all&limit=500');
      assert.equal(listed.status, 200);
      assertAbsent(JSON.stringify(listed.body), 'the task list', TOKEN, SMTP_PASSWORD);

      const operator = operatorCaller(t.services.catalog.list().map((p) => p.name));
      const exported = await exportTasks(t.services.tasks, operator, alice.id, new Date());
      const entry = exported.tasks.find((task) => task.id === taskId) as unknown as {
        jobs: Array<{ config: Record<string, unknown> }>;
        actions: Array<{ config: { smtp: Record<string, unknown> } }>;
      };
      assert.equal(entry.jobs[0]?.config.authorization, SECRET_MASK);
      assert.equal(entry.actions[0]?.config.smtp.password, SECRET_MASK);
      const text = JSON.stringify(exported);
      assertAbsent(text, 'the export', TOKEN, SMTP_PASSWORD);
      assert.ok(!text.includes('enc:v1:'), 'the export carries no sealed value either');
    });

    it('keeps the stored secret when PUT or PATCH sends the mask back; a new value replaces it', async () => {
      const taskId = await create(definition(peer));
      const before = await stored(taskId);
      const view = (await alice.client.get(`/api/v1/tasks/${taskId}`)).body;

      const put = await alice.client.put(
        `/api/v1/tasks/${taskId}`,
        replaceBody(view, { name: 'renamed by PUT' }),
        { 'if-match': `"${view.revision}"` },
      );
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const afterPut = await stored(taskId);
      assert.equal(afterPut.authorization, before.authorization);
      assert.equal(afterPut.password, before.password);

      const patched = await alice.client.patch(
        `/api/v1/tasks/${taskId}`,
        { actions: put.body.actions, description: 'patched' },
        { 'if-match': `"${put.body.revision}"` },
      );
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const afterPatch = await stored(taskId);
      assert.equal(afterPatch.authorization, before.authorization, 'a field not sent is kept');
      assert.equal(afterPatch.password, before.password, 'the mask sent back is kept');

      const replaced = await alice.client.patch(
        `/api/v1/tasks/${taskId}`,
        {
          jobs: [
            {
              id: 'fetch',
              kind: 'http',
              config: { url: `${peer.url}/ok`, authorization: 'Bearer rotated-77' },
            },
          ],
        },
        { 'if-match': `"${patched.body.revision}"` },
      );
      assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
      assert.equal(replaced.body.jobs[0].config.authorization, SECRET_MASK);
      const afterNew = await stored(taskId);
      assert.notEqual(afterNew.authorization, before.authorization);
      assert.equal(t.services.box.open(afterNew.authorization), 'Bearer rotated-77');
      assert.equal(afterNew.password, before.password);
    });

    it('refuses a mask with nothing stored to keep (400 naming the config) and changes nothing', async () => {
      const count = await taskCount();
      const masked = await alice.client.post(
        '/api/v1/tasks',
        definition(peer, {
          jobs: [
            {
              id: 'fetch',
              kind: 'http',
              config: { url: `${peer.url}/ok`, authorization: SECRET_MASK },
            },
          ],
        }),
      );
      assert.equal(masked.status, 400, JSON.stringify(masked.body));
      assert.equal(masked.body.code, 'VALIDATION_FAILED');
      assert.ok(
        masked.body.errors.some((issue: { path: string }) => issue.path === '/jobs/0/config'),
        JSON.stringify(masked.body),
      );
      assert.equal(await taskCount(), count, 'no task was created');

      const taskId = await create(definition(peer));
      const before = await stored(taskId);
      const view = (await alice.client.get(`/api/v1/tasks/${taskId}`)).body;
      // Under a new component id the mask has nothing to refer to.
      const moved = replaceBody(view, {
        jobs: [{ ...view.jobs[0], id: 'elsewhere' }],
      });
      const put = await alice.client.put(`/api/v1/tasks/${taskId}`, moved, {
        'if-match': `"${view.revision}"`,
      });
      assert.equal(put.status, 400, JSON.stringify(put.body));
      assert.ok(put.body.errors.some((issue: { path: string }) => issue.path === '/jobs/0/config'));
      const added = await alice.client.patch(
        `/api/v1/tasks/${taskId}`,
        {
          actions: [
            ...view.actions,
            {
              id: 'mail2',
              kind: 'email',
              config: {
                to: ['carol@example.com'],
                smtp: { host: 'smtp.example.com', from: 'r@example.com', password: SECRET_MASK },
              },
            },
          ],
        },
        { 'if-match': `"${view.revision}"` },
      );
      assert.equal(added.status, 400, JSON.stringify(added.body));
      assert.ok(
        added.body.errors.some((issue: { path: string }) => issue.path === '/actions/1/config'),
      );
      const after = await stored(taskId);
      assert.equal(after.task.revision, before.task.revision);
      assert.equal(after.authorization, before.authorization);
      assert.deepEqual(
        after.task.actions.map((action) => action.id),
        ['mail'],
      );
    });

    it('refuses a secret longer than its field allows, naming the field', async () => {
      const count = await taskCount();
      const huge = await alice.client.post(
        '/api/v1/tasks',
        definition(peer, {
          jobs: [
            {
              id: 'fetch',
              kind: 'http',
              config: { url: `${peer.url}/ok`, authorization: 'x'.repeat(8193) },
            },
          ],
        }),
      );
      assert.equal(huge.status, 400, JSON.stringify(huge.body));
      assert.ok(
        huge.body.errors.some((issue: { path: string }) =>
          issue.path.startsWith('/jobs/0/config/authorization'),
        ),
        JSON.stringify(huge.body.errors),
      );
      assert.equal(await taskCount(), count);
    });

    it('opens the secret for the run, as written: never filled with placeholders', async () => {
      const literal = 'Bearer {task.name}-{run.id}-kept';
      const taskId = await create(
        definition(peer, {
          name: 'sender',
          jobs: [
            {
              id: 'fetch',
              kind: 'http',
              config: { url: `${peer.url}/ok?task={task.name}`, authorization: literal },
            },
          ],
          actions: [],
        }),
      );
      const seen = peer.requests.length;
      const started = await alice.client.post(`/api/v1/tasks/${taskId}/run`);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const run = await t.ended(started.body.runId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const request = await peer.request(seen);
      assert.equal(request.url, '/ok?task=sender');
      assert.equal(request.headers.authorization, literal);
    });

    it('writes the secret as *** in the run log even when a component logs it', async () => {
      const taskId = await create(
        definition(peer, {
          jobs: [
            {
              id: 'fetch',
              kind: 'http',
              config: { url: `${peer.url}/reject`, authorization: TOKEN },
            },
          ],
          actions: [],
        }),
      );
      const started = await alice.client.post(`/api/v1/tasks/${taskId}/run`);
      const run = await t.ended(started.body.runId);
      assert.equal(run.status, 'failed');
      const log = await alice.client.get(`/api/v1/runs/${run.id}/log`);
      assert.equal(log.status, 200);
      assert.match(String(log.body), /answered 401 token \*\*\* refused/);
      assertAbsent(String(log.body), 'the run log', TOKEN);
    });

    it('shows the clear secret in no run view, run list or audit answer', async () => {
      const taskId = await create(
        definition(peer, {
          jobs: [
            {
              id: 'fetch',
              kind: 'http',
              config: { url: `${peer.url}/reject`, authorization: TOKEN },
            },
          ],
          actions: [],
        }),
      );
      const started = await alice.client.post(`/api/v1/tasks/${taskId}/run`);
      const run = await t.ended(started.body.runId);
      assert.equal(run.status, 'failed');
      const answers = {
        'the run view': await alice.client.get(`/api/v1/runs/${run.id}`),
        'the run list': await alice.client.get(`/api/v1/runs?taskId=${taskId}`),
        'the task view (last run)': await alice.client.get(`/api/v1/tasks/${taskId}`),
        'the audit log': await t.admin.get('/api/v1/audit?limit=500'),
      };
      for (const [where, response] of Object.entries(answers)) {
        assert.equal(response.status, 200, `${where}: ${JSON.stringify(response.body)}`);
        assertAbsent(JSON.stringify(response.body), where, TOKEN);
      }
    });

    it('does not open a sealed value planted by a client (it is not theirs)', async () => {
      const bob = await t.user('bob', ['taskplanner', 'job.http']);
      const bobsSecret = 'Bearer bob-PRIVATE-credential';
      const bobs = await bob.client.post('/api/v1/tasks', {
        name: 'bob',
        enabled: false,
        jobs: [
          {
            id: 'fetch',
            kind: 'http',
            config: { url: 'https://example.com/', authorization: bobsSecret },
          },
        ],
      });
      assert.equal(bobs.status, 201, JSON.stringify(bobs.body));
      const sealed = String(
        (await t.services.store.tasks.get(bobs.body.id))?.jobs[0]?.config.authorization,
      );
      assert.match(sealed, /^enc:v1:/);

      // Someone who saw the sealed value (a backup, a database dump) but not the key.
      const planted = await alice.client.post('/api/v1/tasks', {
        name: 'planted',
        enabled: false,
        jobs: [
          { id: 'fetch', kind: 'http', config: { url: `${peer.url}/ok`, authorization: sealed } },
        ],
      });
      if (planted.status === 400) return;
      assert.equal(planted.status, 201, JSON.stringify(planted.body));
      const seen = peer.requests.length;
      const started = await alice.client.post(`/api/v1/tasks/${planted.body.id}/run`);
      await t.ended(started.body.runId);
      const sent = peer.requests.slice(seen).map((request) => request.headers.authorization);
      assert.ok(
        !sent.includes(bobsSecret),
        'the server decrypted another task’s secret into a request the planter controls',
      );
    });
  });
}
