import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runsOf } from '../support/engine-runs.ts';

const next = (taskId: string, parameters?: Record<string, string>) => ({
  id: 'next',
  kind: 'next-task',
  config: parameters ? { taskId, parameters } : { taskId },
});

for (const backend of await backends()) {
  describe(`next-task action on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;

    before(async () => {
      t = await startEngineApp(backend, 'next-task');
      alice = (await t.user('alice')).client;
      bob = (await t.user('bob')).client;
    });
    after(async () => {
      await t?.close();
    });

    async function create(client: ApiClient, body: Record<string, unknown>): Promise<string> {
      const created = await client.post('/api/v1/tasks', { enabled: false, ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    }

    async function runNow(
      client: ApiClient,
      taskId: string,
      parameters: Record<string, string> = {},
    ) {
      const started = await client.post(`/api/v1/tasks/${taskId}/run`, { parameters });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await t.ended(started.body.runId);
      return (await client.get(`/api/v1/runs/${started.body.runId}`)).body;
    }

    async function logOf(client: ApiClient, runId: string): Promise<string> {
      const log = await client.get(`/api/v1/runs/${runId}/log`);
      assert.equal(log.status, 200);
      return String(log.body);
    }

    it('starts another task of the owner, even a disabled one, with filled-in parameters', async () => {
      const second = await create(alice, {
        name: 'second',
        jobs: [
          { kind: 'file', config: { name: 'out.txt', content: '{who}|{from}|{n}|{run.cause}' } },
        ],
      });
      const first = await create(alice, {
        name: 'first',
        jobs: [{ kind: 'noop' }],
        actions: [next(second, { who: '{who}', from: '{task.name} {run.id}', n: '7' })],
      });
      const run = await runNow(alice, first, { who: 'ann' });
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      // The follower is queued by the action, so it exists once the first run has ended.
      const [follower] = await runsOf(t, second);
      assert.ok(follower, 'the second task was started');
      await t.ended(follower.id);
      const view = (await alice.get(`/api/v1/runs/${follower.id}`)).body;
      assert.equal(view.status, 'succeeded', JSON.stringify(view));
      assert.equal(view.cause, 'after-task');
      assert.deepEqual(view.parameters, {
        who: 'ann',
        from: `first ${run.id}`,
        n: '7',
        'trigger.task.id': first,
        'trigger.task.name': 'first',
        'trigger.run.id': run.id,
        'trigger.run.status': 'succeeded',
        'trigger.run.reason': '',
      });
      assert.deepEqual(view.chain, [first, second]);
      assert.equal(view.ownerId, run.ownerId);
      const file = await alice.get(
        `/api/v1/runs/${view.id}/artifacts/${view.results[0].artifactId}`,
      );
      assert.equal(String(file.body), `ann|first ${run.id}|7|after-task`);
      assert.match(
        await logOf(alice, run.id),
        new RegExp(`next-task: started task ${second} as run ${view.id}`),
      );
      assert.equal((await alice.get(`/api/v1/tasks/${second}`)).body.enabled, false);
    });

    it('ends a chain A -> B -> A with a line about the loop, running each task once', async () => {
      const a = await create(alice, { name: 'A', jobs: [{ kind: 'noop' }] });
      const b = await create(alice, { name: 'B', jobs: [{ kind: 'noop' }], actions: [next(a)] });
      const linked = await alice.patch(
        `/api/v1/tasks/${a}`,
        { actions: [next(b)] },
        { 'if-match': '"1"' },
      );
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      const run = await runNow(alice, a);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const [follower] = await runsOf(t, b);
      assert.ok(follower);
      const ended = await t.ended(follower.id);
      assert.equal(ended.status, 'succeeded', 'the loop is not a failure');
      assert.match(
        await logOf(alice, follower.id),
        new RegExp(
          `WARN +next-task: not starting task ${a}: it already ran in this chain \\(a loop\\)`,
        ),
      );
      assert.equal((await runsOf(t, a)).length, 1);
      assert.equal((await runsOf(t, b)).length, 1);
    });

    it('does not let a task start itself', async () => {
      const self = await create(alice, { name: 'self', jobs: [{ kind: 'noop' }] });
      const linked = await alice.patch(
        `/api/v1/tasks/${self}`,
        { actions: [next(self)] },
        { 'if-match': '"1"' },
      );
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      const run = await runNow(alice, self);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.match(await logOf(alice, run.id), /it already ran in this chain \(a loop\)/);
      assert.equal((await runsOf(t, self)).length, 1);
    });

    it('fails the action for another owner’s task or an unknown id, and starts nothing', async () => {
      const theirs = await create(bob, { name: 'bob’s', jobs: [{ kind: 'noop' }] });
      const unknown = randomUUID();
      for (const target of [theirs, unknown]) {
        const mine = await create(alice, {
          name: 'reaching out',
          jobs: [{ kind: 'noop' }],
          actions: [next(target)],
        });
        const run = await runNow(alice, mine);
        assert.equal(run.status, 'failed');
        assert.equal(run.reason, `the owner 'alice' has no task ${target}`);
        const action = run.items[0].components.find((c: { id: string }) => c.id === 'next');
        assert.equal(action.status, 'failed');
        assert.match(
          await logOf(alice, run.id),
          new RegExp(`action next \\(next-task\\): the owner 'alice' has no task ${target}`),
        );
      }
      assert.deepEqual(await runsOf(t, theirs), []);
    });

    it('refuses a bad task id or bad parameters with 400 naming the field; nothing is created', async () => {
      const count = async () => (await alice.get('/api/v1/tasks?limit=500')).body.items.length;
      const before = await count();
      const target = randomUUID();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ taskId: '' }, '/actions/0/config/taskId'],
        [{ taskId: 'x'.repeat(65) }, '/actions/0/config/taskId'],
        [{}, '/actions/0/config'],
        [{ taskId: target, parameters: { 'bad name': 'x' } }, '/actions/0/config/parameters'],
        [
          { taskId: target, parameters: { who: 'y'.repeat(10_001) } },
          '/actions/0/config/parameters/who',
        ],
        [{ taskId: target, parameters: { who: 7 } }, '/actions/0/config/parameters/who'],
        [
          {
            taskId: target,
            parameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, 'x'])),
          },
          '/actions/0/config/parameters',
        ],
        [{ taskId: target, extra: true }, '/actions/0/config'],
      ];
      const accepted: string[] = [];
      for (const [config, field] of cases) {
        const refused = await alice.post('/api/v1/tasks', {
          name: 'bad next',
          enabled: false,
          actions: [{ kind: 'next-task', config }],
        });
        const shown = JSON.stringify(config).slice(0, 80);
        if (refused.status !== 400) {
          accepted.push(`${shown} -> ${refused.status}`);
          continue;
        }
        assert.ok(
          refused.body.errors.some((issue: { path: string }) => issue.path.startsWith(field)),
          `${shown} -> ${field}: ${JSON.stringify(refused.body.errors)}`,
        );
      }
      assert.deepEqual(accepted, [], 'these bad configs were accepted');
      assert.equal(await count(), before);
    });
  });
}
