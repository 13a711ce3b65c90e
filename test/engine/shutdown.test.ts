import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { logShows } from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';

async function startWaiting(t: EngineApp, gateName: string, policy: Record<string, unknown>) {
  const created = await t.admin.post('/api/v1/tasks', {
    name: gateName,
    enabled: false,
    jobs: [{ kind: 'wait', config: { gate: gateName } }],
    policy,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const runId: string = (await t.admin.post(`/api/v1/tasks/${created.body.id}/run`)).body.runId;
  await logShows(t, runId, 'waiting');
  return runId;
}

for (const backend of await backends()) {
  describe(`graceful shutdown on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('a run that ends within the grace period ends normally', async () => {
      t = await startEngineApp(backend, 'shutdown-grace');
      const gateName = `grace-${backend.name}`;
      const runId = await startWaiting(t, gateName, {});
      const stopping = t.stopEngine(10_000);
      gate(gateName).open();
      await stopping;
      const run = await t.services.store.runs.get(runId);
      assert.equal(run?.status, 'succeeded');
    });

    it('a run still going when the grace period ends is interrupted, and retried by the next start', async () => {
      t = await startEngineApp(backend, 'shutdown-late');
      const gateName = `late-${backend.name}`;
      const runId = await startWaiting(t, gateName, { retries: 1, retryBackoffSeconds: 1 });
      let stopped = false;
      const stopping = t.stopEngine(10_000).then(() => (stopped = true));
      // The grace timer starts once the engine has stopped claiming: move time until it ran out.
      for (let i = 0; i < 100 && !stopped; i++) {
        await t.clock.advance(1000);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await stopping;
      const run = await t.services.store.runs.get(runId);
      assert.equal(run?.status, 'interrupted');
      const retries = await t.services.store.runs.list({
        scope: { kind: 'everyone' },
        status: ['queued'],
        limit: 10,
      });
      const retry = retries.items.find((each) => each.retryOf === runId);
      assert.ok(retry, 'a retry is queued');
      assert.equal(retry.attempt, 2);
      gate(gateName).open();
      await t.restartEngine();
      await t.clock.advance(1000);
      t.engine.wake();
      assert.equal((await t.ended(retry.id)).status, 'succeeded');
    });
  });
}
