// A new task can run once right after it is saved: POST /tasks?run=true saves it and queues a
// run; a run the server refuses (the owner's runs per minute) leaves the task saved and says why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

for (const backend of await backends()) {
  describe(
    `running a task once when it is saved on ${backend.name}`,
    { skip: backend.skip },
    () => {
      let t: TestApp;
      let alice: ApiClient;

      before(async () => {
        t = await startTestApp(backend, 'run-after-save');
        alice = (await t.user('alice')).client;
      });
      after(async () => {
        await t?.close();
      });

      it('saves the task and queues one run of it, named in run-location', async () => {
        const created = await alice.post('/api/v1/tasks?run=true', { name: 'At once' });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const location = String(created.headers['run-location']);
        assert.match(location, /^\/api\/v1\/runs\/[0-9a-f-]+$/);
        const run = await alice.get(location);
        assert.equal(run.status, 200, JSON.stringify(run.body));
        assert.equal(run.body.taskId, created.body.id);
        assert.equal(run.body.cause, 'manual');
        const runs = await alice.get(`/api/v1/runs?taskId=${created.body.id}`);
        assert.equal(runs.body.items.length, 1);
      });

      it('queues no run without ?run, and refuses a run value that is not a boolean', async () => {
        const plain = await alice.post('/api/v1/tasks', { name: 'Later' });
        assert.equal(plain.status, 201);
        assert.equal(plain.headers['run-location'], undefined);
        const runs = await alice.get(`/api/v1/runs?taskId=${plain.body.id}`);
        assert.deepEqual(runs.body.items, []);
        const bad = await alice.post('/api/v1/tasks?run=soon', { name: 'Bad' });
        assert.equal(bad.status, 400, JSON.stringify(bad.body));
        const listed = await alice.get('/api/v1/tasks?q=Bad');
        assert.deepEqual(listed.body.items, [], 'nothing was saved');
      });

      it('keeps the task when its run is refused, and says why in run-refused', async () => {
        const limited = await t.admin.patch('/api/v1/settings', {
          limits: { runsPerMinutePerUser: 0 },
        });
        assert.equal(limited.status, 200, JSON.stringify(limited.body));
        try {
          const created = await alice.post('/api/v1/tasks?run=true', { name: 'Refused run' });
          assert.equal(created.status, 201, JSON.stringify(created.body));
          assert.equal(created.headers['run-location'], undefined);
          assert.match(String(created.headers['run-refused']), /runs/i);
          const runs = await alice.get(`/api/v1/runs?taskId=${created.body.id}`);
          assert.deepEqual(runs.body.items, []);
        } finally {
          await t.admin.patch('/api/v1/settings', { limits: { runsPerMinutePerUser: 600 } });
        }
      });
    },
  );
}
