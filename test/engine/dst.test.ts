import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { claimsOf } from '../support/engine-runs.ts';
import { ADMIN_PASSWORD } from '../support/test-app.ts';

const HOUR = 3_600_000;

/** Advances the fake clock an hour at a time, letting the engine claim at each step. */
async function advanceHours(t: EngineApp, hours: number): Promise<void> {
  for (let i = 0; i < hours; i++) {
    await t.clock.advance(HOUR);
    t.engine.wake();
  }
}

/** The task's runs, oldest first, once the runs the engine claimed (claimsOf) ended. */
async function endedRuns(t: EngineApp, taskId: string, claimed: Promise<string[]>) {
  for (const runId of await claimed) await t.ended(runId);
  // Days passed on the clock: the admin's session has expired, so log in afresh.
  const admin = await t.login('admin', ADMIN_PASSWORD);
  const listed = (await admin.get(`/api/v1/runs?taskId=${taskId}`)).body.items;
  return [...listed].reverse() as Array<{ scheduledFor: string; status: string }>;
}

for (const backend of await backends()) {
  describe(
    `engine through daylight-saving changes on ${backend.name}`,
    { skip: backend.skip },
    () => {
      let t: EngineApp;
      before(async () => {
        t = await startEngineApp(backend, 'dst', { start: new Date('2026-03-27T12:00:00Z') });
      });
      after(async () => {
        await t?.close();
      });

      it('a daily 02:30 in Berlin fires at 03:30 on the day of the gap, and at 02:30 again after', async () => {
        const created = await t.admin.post('/api/v1/tasks', {
          name: 'nightly',
          timezone: 'Europe/Berlin',
          triggers: [
            {
              kind: 'time',
              config: {
                start: '2026-03-20T02:30',
                intervals: [{ kind: 'days', times: ['02:30'] }],
              },
            },
          ],
          jobs: [{ kind: 'noop' }],
          // The test moves time faster than a database answers: occurrences may come due
          // together, and each must still run.
          policy: { misfire: 'all', overlap: 'parallel' },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const claimed = claimsOf(t.engine, created.body.id, 3);
        await advanceHours(t, 3 * 24);
        const runs = await endedRuns(t, created.body.id, claimed);
        assert.deepEqual(
          runs.map((run) => run.scheduledFor),
          [
            '2026-03-28T01:30:00.000Z', // 02:30 CET
            '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
            '2026-03-30T00:30:00.000Z', // 02:30 CEST
          ],
        );
        assert.ok(runs.every((run) => run.status === 'succeeded'));
      });
    },
  );
}
