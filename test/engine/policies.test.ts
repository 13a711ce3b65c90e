import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { engineAppPerTest } from '../support/engine-per-test.ts';
import type { EngineApp } from '../support/engine-app.ts';
import {
  createTask,
  EVERY_MINUTE,
  executing,
  runManually,
  runsOf,
  runsUntil,
  type RunView,
  tick,
} from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';

const MINUTE = 60_000;
const START = Date.parse('2026-03-02T08:00:00Z');
/** The instant `minutes` after the clock's start, as the API writes it. */
const minute = (minutes: number) => new Date(START + minutes * MINUTE).toISOString();

const byScheduledFor = (a: RunView, b: RunView) =>
  (a.scheduledFor ?? '').localeCompare(b.scheduledFor ?? '');

/** Stops the engine, lets the clock pass `ms` with no server, then starts it again. */
async function downtime(t: EngineApp, ms: number): Promise<void> {
  await t.stopEngine();
  await t.clock.advance(ms);
  await t.restartEngine();
}

for (const backend of await backends()) {
  describe(`engine policies on ${backend.name}`, { skip: backend.skip }, () => {
    const { open, gateName } = engineAppPerTest(backend, 'policies');

    it('overlap skip: an occurrence while a run is running is recorded as skipped', async () => {
      const t = await open();
      const name = gateName('overlap-skip');
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { overlap: 'skip' },
      });
      await tick(t, MINUTE);
      const [first] = await runsUntil(t, taskId, 1);
      // Claimed ahead, a run is queued until its time; then it executes.
      await executing(t, first?.id ?? '');
      assert.equal((await runsOf(t, taskId))[0]?.status, 'running');
      await tick(t, MINUTE);
      const runs = await runsUntil(t, taskId, 2);
      assert.equal(runs.length, 2);
      assert.equal(runs[1]?.status, 'skipped');
      assert.equal(runs[1]?.reason, 'the previous run was still running');
      assert.equal(runs[1]?.scheduledFor, minute(2));
      gate(name).open();
      const ended = await t.ended(first?.id ?? '');
      assert.equal(ended.status, 'succeeded');
      assert.equal(ended.scheduledFor?.toISOString(), minute(1));
    });

    it('overlap queue: one occurrence waits and runs after; a further one is skipped', async () => {
      const t = await open();
      const name = gateName('overlap-queue');
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { overlap: 'queue' },
      });
      await tick(t, MINUTE);
      await runsUntil(t, taskId, 1);
      await tick(t, MINUTE);
      await runsUntil(t, taskId, 2);
      await tick(t, MINUTE);
      const runs = await runsUntil(t, taskId, 3);
      assert.deepEqual(
        runs.map((run) => [run.scheduledFor, run.status]),
        [
          [minute(1), 'running'],
          [minute(2), 'queued'],
          [minute(3), 'skipped'],
        ],
      );
      assert.equal(runs[2]?.reason, 'a run was already waiting to start');
      gate(name).open();
      const first = await t.ended(runs[0]?.id ?? '');
      const second = await t.ended(runs[1]?.id ?? '');
      assert.equal(first.status, 'succeeded');
      assert.equal(second.status, 'succeeded');
      assert.ok(first.finishedAt && second.startedAt, JSON.stringify(second));
      assert.ok(second.startedAt >= first.finishedAt, 'the queued run started after the first');
    });

    it('overlap parallel: occurrences run at the same time', async () => {
      const t = await open();
      const name = gateName('overlap-parallel');
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { overlap: 'parallel' },
      });
      await tick(t, MINUTE);
      await runsUntil(t, taskId, 1);
      await tick(t, MINUTE);
      const runs = await runsUntil(t, taskId, 2);
      for (const run of runs) await executing(t, run.id);
      assert.deepEqual(
        (await runsOf(t, taskId)).map((run) => run.status),
        ['running', 'running'],
      );
      gate(name).open();
      for (const run of runs) assert.equal((await t.ended(run.id)).status, 'succeeded');
    });

    it('a manual run is never skipped: it waits while a run is running, then runs', async () => {
      const t = await open();
      const name = gateName('manual-waits');
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { overlap: 'skip' },
      });
      await tick(t, MINUTE);
      const [scheduled] = await runsUntil(t, taskId, 1);
      const manualId = await runManually(t, taskId);
      // The next occurrence is skipped in a claim that also saw the manual run.
      await tick(t, MINUTE);
      const runs = await runsUntil(t, taskId, 3);
      assert.equal(runs.find((run) => run.scheduledFor === minute(2))?.status, 'skipped');
      const manual = runs.find((run) => run.id === manualId);
      assert.equal(manual?.status, 'queued', JSON.stringify(manual));
      gate(name).open();
      const first = await t.ended(scheduled?.id ?? '');
      const after = await t.ended(manualId);
      assert.equal(after.status, 'succeeded');
      assert.equal(after.cause, 'manual');
      assert.ok(first.finishedAt && after.startedAt, JSON.stringify(after));
      assert.ok(after.startedAt >= first.finishedAt, 'the manual run started after the first');
    });

    it('misfire "once": one run stands for all occurrences missed while stopped', async () => {
      const t = await open();
      const name = gateName('misfire-once');
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { misfire: 'once' },
      });
      await downtime(t, 10 * MINUTE);
      const runs = await runsUntil(t, taskId, 1);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]?.scheduledFor, minute(1));
      assert.match(runs[0]?.reason ?? '', /10 occurrences were due/);
      gate(name).open();
      const ended = await t.ended(runs[0]?.id ?? '');
      assert.equal(ended.status, 'succeeded');
      assert.match(ended.reason ?? '', /10 occurrences were due/, 'the note outlives the run');
      const task = await t.admin.get(`/api/v1/tasks/${taskId}`);
      assert.equal(task.body.nextRunAt, minute(11));
    });

    it('misfire "all": one run per missed occurrence, up to misfireLimit', async () => {
      const t = await open();
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'noop' }],
        policy: { misfire: 'all', misfireLimit: 3, overlap: 'parallel' },
      });
      await downtime(t, 10 * MINUTE);
      const runs = (await runsUntil(t, taskId, 4)).sort(byScheduledFor);
      assert.deepEqual(
        runs.map((run) => [run.scheduledFor, run.status === 'skipped', run.occurrences]),
        [
          [minute(1), false, 1],
          [minute(2), false, 1],
          [minute(3), false, 1],
          [minute(4), true, 7],
        ],
      );
      assert.match(
        runs[3]?.reason ?? '',
        /^7 occurrences from .* to .* were not run: of the occurrences due at once, only the first 3 run/,
      );
      for (const run of runs.slice(0, 3)) assert.equal((await t.ended(run.id)).status, 'succeeded');
      const task = await t.admin.get(`/api/v1/tasks/${taskId}`);
      assert.equal(task.body.nextRunAt, minute(11), 'the rest up to now are not run');
    });

    it('misfire "skip": missed occurrences become one skipped run; a barely late one runs', async () => {
      const t = await open({ engine: { misfireGraceMs: 1000 } });
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'noop' }],
        policy: { misfire: 'skip' },
      });
      await downtime(t, 10 * MINUTE);
      const runs = await runsUntil(t, taskId, 1);
      assert.equal(runs.length, 2, JSON.stringify(runs));
      const [skipped, ran] = runs;
      assert.equal(skipped?.status, 'skipped');
      assert.equal(skipped?.scheduledFor, minute(1));
      assert.match(skipped?.reason ?? '', /^9 occurrences .*misfire policy "skip"/);
      assert.equal(ran?.scheduledFor, minute(10), 'on time: less than the grace late');
      assert.equal((await t.ended(ran?.id ?? '')).status, 'succeeded');
    });

    it('retries a failed run with exponential backoff, then gives up', async () => {
      const t = await open();
      const taskId = await createTask(t, {
        enabled: false,
        jobs: [{ kind: 'fail' }],
        policy: { retries: 2, retryBackoffSeconds: 10 },
      });
      const firstId = await runManually(t, taskId);
      let previous = await t.ended(firstId);
      assert.equal(previous.status, 'failed');
      for (const [attempt, backoffMs] of [
        [2, 10_000],
        [3, 20_000],
      ] as const) {
        const due = (previous.finishedAt?.getTime() ?? NaN) + backoffMs;
        const retry = (await runsOf(t, taskId)).at(-1);
        assert.equal(retry?.attempt, attempt);
        assert.equal(retry?.status, 'queued');
        assert.equal(retry?.retryOf, firstId);
        assert.equal(await t.services.store.queue.earliestReady(), due, 'its not-before');
        await tick(t, due - t.clock.now() - 1);
        assert.equal((await t.services.store.runs.get(retry.id))?.status, 'queued');
        await tick(t, 1);
        previous = await t.ended(retry.id);
        assert.equal(previous.status, 'failed');
        assert.equal(previous.startedAt?.getTime(), due, 'it started when the clock reached it');
      }
      assert.equal((await runsOf(t, taskId)).length, 3, 'no fourth attempt');
      assert.equal(await t.services.store.queue.earliestReady(), null);
    });

    it('retries a run that timed out', async () => {
      const t = await open();
      const name = gateName('timeout-retry');
      const taskId = await createTask(t, {
        enabled: false,
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { timeoutSeconds: 5, retries: 1, retryBackoffSeconds: 1 },
      });
      const firstId = await runManually(t, taskId);
      await executing(t, firstId);
      await tick(t, 5000);
      const first = await t.ended(firstId);
      assert.equal(first.status, 'timed-out');
      assert.equal(first.reason, 'exceeded its timeout of 5 s');
      const retry = (await runsOf(t, taskId)).at(-1);
      assert.equal(retry?.attempt, 2);
      assert.equal(retry?.retryOf, firstId);
      gate(name).open();
      await tick(t, 1000);
      const ended = await t.ended(retry?.id ?? '');
      assert.equal(ended.status, 'succeeded');
      assert.equal(ended.cause, 'manual');
    });
  });
}
