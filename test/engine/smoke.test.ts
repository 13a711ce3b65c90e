import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { claimsOf } from '../support/engine-runs.ts';
import { received } from '../support/test-kinds.ts';

for (const backend of await backends()) {
  describe(`engine smoke on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    before(async () => {
      t = await startEngineApp(backend, 'smoke');
    });
    after(async () => {
      await t?.close();
    });

    it('runs a disabled task by hand: jobs, then actions with their results', async () => {
      const created = await t.admin.post('/api/v1/tasks', {
        name: 'smoke',
        enabled: false,
        jobs: [{ kind: 'text', config: { text: 'hello {who}' } }],
        actions: [{ kind: 'collect', config: { sink: `smoke-${backend.name}` } }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const started = await t.admin.post(`/api/v1/tasks/${created.body.id}/run`, {
        parameters: { who: 'world' },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const run = await t.ended(started.body.runId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(run.cause, 'manual');
      const sink = received.get(`smoke-${backend.name}`);
      assert.equal(sink?.length, 1);
      assert.equal((sink?.[0]?.results[0] as { text: string }).text, 'hello world');
      const view = await t.admin.get(`/api/v1/runs/${run.id}`);
      assert.equal(view.body.status, 'succeeded');
      assert.equal(view.body.results[0].text, 'hello world');
      const task = await t.admin.get(`/api/v1/tasks/${created.body.id}`);
      assert.equal(task.body.lastRun.id, run.id);
      const log = await t.admin.get(`/api/v1/runs/${run.id}/log`);
      assert.match(log.body, /run started \(manual\)/);
      assert.match(log.body, /run ended succeeded/);
    });

    it('fires a schedule when the clock reaches it', async () => {
      const created = await t.admin.post('/api/v1/tasks', {
        name: 'every minute',
        timezone: 'UTC',
        triggers: [
          {
            kind: 'time',
            config: { start: '2026-03-02T08:00', intervals: [{ kind: 'minutes', every: 1 }] },
          },
        ],
        jobs: [{ kind: 'noop' }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const task = (await t.admin.get(`/api/v1/tasks/${created.body.id}`)).body;
      assert.ok(task.nextRunAt, JSON.stringify(task));
      const due = Date.parse(task.nextRunAt);
      const claimed = claimsOf(t.engine, task.id);
      await t.clock.advance(due - t.clock.now());
      const [claimedId] = await claimed;
      const listed = (await t.admin.get(`/api/v1/runs?taskId=${task.id}`)).body.items;
      assert.equal(listed.length, 1);
      assert.equal(listed[0].id, claimedId);
      const run = await t.ended(listed[0].id);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.scheduledFor?.getTime(), due);
      assert.equal(run.cause, 'schedule');
    });
  });
}
