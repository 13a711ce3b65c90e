import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FireTimesCache } from '../../src/engine/fire-times-cache.ts';
import { expiredLeases, sweepLeases } from '../../src/engine/lease-sweeper.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { engineAppPerTest } from '../support/engine-per-test.ts';
import { noticerOf, type EngineApp } from '../support/engine-app.ts';
import {
  eventually,
  executing,
  runsOf,
  runsUntil,
  type RunView,
  tick,
  restart,
} from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';

const MINUTE = 60_000;
const START = Date.parse('2026-03-02T08:00:00Z');
/** The instant `minutes` after the clock's start, as the API writes it. */
const minute = (minutes: number) => new Date(START + minutes * MINUTE).toISOString();

function schedule(interval: Record<string, unknown>) {
  return {
    kind: 'time',
    config: { timezone: 'UTC', start: '2026-03-02T08:00', intervals: [interval] },
  };
}
const everyMinute = schedule({ kind: 'minutes', every: 1 });
const afterTask = (taskId: string, on: string) => ({ kind: 'after-task', config: { taskId, on } });
/** Fails when run with the parameter name=boom, succeeds otherwise. */
const failsOnBoom = { kind: 'fail', config: { when: 'boom' } };

/** Another node's sweep, as if every lease had expired. */
function sweepAsAnotherNode(t: EngineApp) {
  const recovery = expiredLeases(Number.MAX_SAFE_INTEGER);
  const decide = {
    fireTimes: new FireTimesCache(t.services.registry, t.services.holidays),
    misfireGraceMs: 60_000,
  };
  return sweepLeases(
    t.services.store,
    t.clock.now(),
    recovery,
    'another-node',
    decide,
    noticerOf(t),
  );
}

async function createTask(client: ApiClient, body: Record<string, unknown>): Promise<string> {
  const created = await client.post('/api/v1/tasks', { name: 'trigger', timezone: 'UTC', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

async function runManually(
  client: ApiClient,
  taskId: string,
  parameters: Record<string, string> = {},
): Promise<string> {
  const started = await client.post(`/api/v1/tasks/${taskId}/run`, { parameters });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.runId;
}

/** Waits for every run of the tasks to end, so none is left in flight at teardown. */
async function settle(t: EngineApp, ...taskIds: string[]): Promise<RunView[]> {
  const runs = (await Promise.all(taskIds.map((taskId) => runsOf(t, taskId)))).flat();
  for (const run of runs) await t.ended(run.id);
  return runs;
}

/** The ids of the tasks in a client's task list. */
async function listedIds(client: ApiClient): Promise<string[]> {
  const listed = await client.get('/api/v1/tasks?limit=100');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items.map((task: { id: string }) => task.id);
}

for (const backend of await backends()) {
  describe(`engine triggers on ${backend.name}`, { skip: backend.skip }, () => {
    const { open, gateName } = engineAppPerTest(backend, 'triggers');

    const outcomes = [
      { on: 'success', followsSuccess: true, followsFailure: false },
      { on: 'failure', followsSuccess: false, followsFailure: true },
      { on: 'always', followsSuccess: true, followsFailure: true },
    ];
    for (const { on, followsSuccess, followsFailure } of outcomes) {
      it(`after-task on ${on}: B follows A only when A's outcome matches`, async () => {
        const t = await open();
        const a = await createTask(t.admin, { enabled: false, jobs: [failsOnBoom] });
        const b = await createTask(t.admin, {
          triggers: [afterTask(a, on)],
          jobs: [{ kind: 'noop' }],
        });
        const followersAfter = async (parameters: Record<string, string>) => {
          await t.ended(await runManually(t.admin, a, parameters));
          // A follower is queued in the transaction that wrote A's end.
          const runs = await runsOf(t, b);
          for (const run of runs) assert.equal((await t.ended(run.id)).status, 'succeeded');
          return runs;
        };
        const afterSuccess = await followersAfter({ name: 'fine' });
        assert.equal(afterSuccess.length, followsSuccess ? 1 : 0);
        const afterFailure = await followersAfter({ name: 'boom' });
        assert.equal(afterFailure.length, afterSuccess.length + (followsFailure ? 1 : 0));
        for (const run of afterFailure) {
          assert.equal(run.cause, 'after-task');
          assert.deepEqual(run.chain, [a, b]);
        }
      });
    }

    it('after-task on several tasks, any of them: each end starts the follower', async () => {
      const t = await open();
      const a = await createTask(t.admin, { enabled: false, jobs: [{ kind: 'noop' }] });
      const b = await createTask(t.admin, { enabled: false, jobs: [{ kind: 'noop' }] });
      const follower = await createTask(t.admin, {
        triggers: [{ kind: 'after-task', config: { taskIds: [a, b], mode: 'any' } }],
        jobs: [{ kind: 'noop' }],
      });
      await t.ended(await runManually(t.admin, a));
      await t.ended(await runManually(t.admin, b));
      const runs = await settle(t, follower);
      assert.equal(runs.length, 2);
      assert.deepEqual(runs.map((run) => run.chain[0]).sort(), [a, b].sort());
    });

    it('after-task on all of several tasks: starts once all have ended within the window, then waits for all again', async () => {
      const t = await open();
      const a = await createTask(t.admin, { enabled: false, jobs: [failsOnBoom] });
      const b = await createTask(t.admin, { enabled: false, jobs: [{ kind: 'noop' }] });
      const follower = await createTask(t.admin, {
        triggers: [
          {
            kind: 'after-task',
            config: { taskIds: [a, b], mode: 'all', on: 'success', windowMinutes: 60 },
          },
        ],
        jobs: [{ kind: 'noop' }],
      });
      await t.ended(await runManually(t.admin, a, { name: 'boom' }));
      await t.ended(await runManually(t.admin, b));
      assert.equal((await runsOf(t, follower)).length, 0, "a's failure does not count for success");
      await t.ended(await runManually(t.admin, a));
      const [first] = await settle(t, follower);
      assert.equal(first?.cause, 'after-task');
      assert.deepEqual(first?.chain, [a, follower], 'started by the end that completed the set');
      await t.ended(await runManually(t.admin, a));
      assert.equal((await runsOf(t, follower)).length, 1, 'b has not ended again since');
      await t.clock.advance(61 * 60_000);
      await t.ended(await runManually(t.admin, b));
      assert.equal((await runsOf(t, follower)).length, 1, "a's end is now outside the window");
      await t.ended(await runManually(t.admin, a));
      assert.equal((await settle(t, follower)).length, 2);
    });

    it('refuses an after-task trigger that names no task', async () => {
      const t = await open();
      const refused = await t.admin.post('/api/v1/tasks', {
        name: 'follows nothing',
        triggers: [{ kind: 'after-task', config: { on: 'always' } }],
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.errors[0].path, '/triggers/0/config/taskId');
    });

    it('a loop of after-task triggers runs each task once and notes the loop', async () => {
      const t = await open();
      const a = await createTask(t.admin, { jobs: [{ kind: 'noop' }] });
      const b = await createTask(t.admin, {
        triggers: [afterTask(a, 'always')],
        jobs: [{ kind: 'noop' }],
      });
      const linked = await t.admin.patch(
        `/api/v1/tasks/${a}`,
        { triggers: [afterTask(b, 'always')] },
        { 'if-match': '"1"' },
      );
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      await t.ended(await runManually(t.admin, a));
      const [follower] = await runsOf(t, b);
      assert.equal((await t.ended(follower?.id ?? '')).status, 'succeeded');
      assert.equal((await runsOf(t, a)).length, 1);
      assert.equal((await runsOf(t, b)).length, 1);
      const log = await t.admin.get(`/api/v1/runs/${follower?.id}/log`);
      assert.match(log.body, /a loop/);
    });

    it("a task never follows another user's task: refused when saved, and not started if stored", async () => {
      const t = await open();
      const alice = await t.user('alice');
      const bob = await t.user('bob');
      const mine = await createTask(alice.client, { enabled: false, jobs: [{ kind: 'noop' }] });
      const refused = await bob.client.post('/api/v1/tasks', {
        name: 'follows a stranger',
        triggers: [afterTask(mine, 'always')],
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.errors, [
        {
          in: 'body',
          path: '/triggers/0/config/taskId',
          message: `the owner has no task '${mine}' to follow`,
        },
      ]);
      const theirs = await createTask(bob.client, { jobs: [{ kind: 'noop' }] });
      // As stored before saves were checked (or written around them): the engine still refuses.
      await t.services.store.triggers.replaceForTask(theirs, [
        {
          taskId: theirs,
          triggerId: 'trigger-old',
          kind: 'after-task',
          fingerprint: 'old',
          nextFireAt: null,
          follows: { taskIds: [mine], on: 'always', all: false, windowMs: 86_400_000 },
        },
      ]);
      const own = await createTask(alice.client, {
        triggers: [afterTask(mine, 'always')],
        jobs: [{ kind: 'noop' }],
      });
      await t.ended(await runManually(alice.client, mine));
      assert.equal((await settle(t, own)).length, 1, "the owner's follower runs");
      assert.equal((await runsOf(t, theirs)).length, 0, "another user's does not");
    });

    it('refuses an after-task trigger on its own task', async () => {
      const t = await open();
      const task = await createTask(t.admin, { jobs: [{ kind: 'noop' }] });
      const refused = await t.admin.patch(
        `/api/v1/tasks/${task}`,
        { triggers: [{ kind: 'after-task', config: { taskIds: [task] } }] },
        { 'if-match': '"1"' },
      );
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.errors[0].path, '/triggers/0/config/taskIds');
      assert.equal(refused.body.errors[0].message, 'a task cannot follow itself');
    });

    it('server-start: an enabled task runs once per engine start; a disabled one never', async () => {
      const t = await open();
      const trigger = { kind: 'server-start', config: {} };
      const enabled = await createTask(t.admin, { triggers: [trigger], jobs: [{ kind: 'noop' }] });
      const disabled = await createTask(t.admin, {
        enabled: false,
        triggers: [trigger],
        jobs: [{ kind: 'noop' }],
      });
      for (const starts of [1, 2]) {
        await restart(t);
        const runs = await runsUntil(t, enabled, starts);
        assert.equal(runs.length, starts);
        const latest = await t.ended(runs.at(-1)?.id ?? '');
        assert.equal(latest.status, 'succeeded');
        assert.equal(latest.cause, 'start');
      }
      assert.equal((await runsOf(t, disabled)).length, 0);
    });

    it('a task whose schedule ended is hidden from its owner until it gets a future', async () => {
      const t = await open();
      const alice = await t.user('alice');
      const once = (at: string) => schedule({ kind: 'once', at });
      const taskId = await createTask(alice.client, {
        triggers: [once('2026-03-02T08:05')],
        jobs: [{ kind: 'noop' }],
      });
      assert.ok((await listedIds(alice.client)).includes(taskId));
      await tick(t, 5 * MINUTE);
      const [run] = await runsUntil(t, taskId, 1);
      assert.equal(run?.scheduledFor, minute(5));
      assert.equal((await t.ended(run?.id ?? '')).status, 'succeeded');
      // The claim that made the run also hid the task.
      assert.ok(!(await listedIds(alice.client)).includes(taskId), 'gone from the owner list');
      const listed = await t.admin.get(`/api/v1/tasks?owner=${alice.id}`);
      const seen = listed.body.items.find((task: { id: string }) => task.id === taskId);
      assert.equal(seen?.hidden, true);
      const got = await alice.client.get(`/api/v1/tasks/${taskId}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.hidden, true);
      const edited = await alice.client.patch(
        `/api/v1/tasks/${taskId}`,
        { triggers: [once('2026-03-02T08:30')] },
        { 'if-match': `"${got.body.revision}"` },
      );
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.hidden, false);
      assert.equal(edited.body.nextRunAt, minute(30));
      assert.ok((await listedIds(alice.client)).includes(taskId), 'back in the owner list');
    });

    it('a task fires until its expiresAt, then is hidden like an ended schedule', async () => {
      const t = await open();
      const alice = await t.user('alice');
      const taskId = await createTask(alice.client, {
        triggers: [everyMinute],
        jobs: [{ kind: 'noop' }],
        expiresAt: minute(2.5),
      });
      // One minute at a time: two ticks before a claim would make minute 1 a misfire.
      await tick(t, MINUTE);
      await runsUntil(t, taskId, 1);
      await tick(t, MINUTE);
      const runs = await runsUntil(t, taskId, 2);
      await settle(t, taskId);
      await tick(t, MINUTE);
      const hidden = await eventually('the task to be hidden', async () =>
        (await listedIds(alice.client)).includes(taskId) ? undefined : true,
      );
      assert.equal(hidden, true);
      assert.deepEqual(
        (await runsOf(t, taskId)).map((run) => run.scheduledFor),
        [minute(1), minute(2)],
      );
      assert.deepEqual(
        runs.map((run) => run.scheduledFor),
        [minute(1), minute(2)],
      );
      const task = await alice.client.get(`/api/v1/tasks/${taskId}`);
      assert.equal(task.body.nextRunAt, null);
    });

    it('retention keeps the newest keepRuns runs, and failed runs beyond them', async () => {
      const t = await open();
      const taskId = await createTask(t.admin, {
        enabled: false,
        jobs: [failsOnBoom],
        policy: { keepRuns: 3 },
      });
      const runOnce = async (name: string) => {
        const run = await t.ended(await runManually(t.admin, taskId, { name }));
        assert.equal(run.status, name === 'boom' ? 'failed' : 'succeeded');
        return run.id;
      };
      const failed = await runOnce('boom');
      const succeeded: string[] = [];
      for (let i = 0; i < 5; i++) succeeded.push(await runOnce('fine'));
      assert.equal((await runsOf(t, taskId)).length, 6, 'nothing pruned within the minute');
      await tick(t, MINUTE);
      // The engine prunes once a minute, in one statement, with no event of its own.
      const kept = await eventually('the runs to be pruned', async () => {
        const runs = await runsOf(t, taskId);
        return runs.length < 6 ? runs : undefined;
      });
      assert.deepEqual(
        kept.map((run) => run.id),
        [failed, ...succeeded.slice(-3)],
      );
    });

    it('a run whose lease was lost is interrupted and its engine cannot overwrite that', async () => {
      const t = await open();
      const name = gateName('lease-lost');
      const taskId = await createTask(t.admin, {
        enabled: false,
        jobs: [{ kind: 'wait', config: { gate: name } }],
      });
      const runId = await runManually(t.admin, taskId);
      const live = await executing(t, runId);
      const store = t.services.store;
      const swept = await sweepAsAnotherNode(t);
      assert.equal(swept.interrupted, 1);
      assert.equal((await store.runs.get(runId))?.status, 'interrupted');
      gate(name).open();
      await live.ended;
      const run = await store.runs.get(runId);
      assert.equal(run?.status, 'interrupted', 'the lost run was not overwritten');
      assert.equal((await runsOf(t, taskId)).length, 1, 'no retry without retries');
    });

    it('an interrupted run is retried when the policy allows', async () => {
      const t = await open();
      const name = gateName('lease-retry');
      const taskId = await createTask(t.admin, {
        enabled: false,
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { retries: 1, retryBackoffSeconds: 5 },
      });
      const runId = await runManually(t.admin, taskId);
      await executing(t, runId);
      await sweepAsAnotherNode(t);
      const [first, retry] = await runsOf(t, taskId);
      assert.equal(first?.status, 'interrupted');
      assert.equal(retry?.attempt, 2);
      assert.equal(retry?.retryOf, runId);
      gate(name).open();
      await tick(t, 5000);
      assert.equal((await t.ended(retry?.id ?? '')).status, 'succeeded');
    });

    it('a disabled task does not fire; enabled again it fires at the next occurrence only', async () => {
      const t = await open();
      const taskId = await createTask(t.admin, {
        triggers: [everyMinute],
        jobs: [{ kind: 'noop' }],
      });
      const witness = await createTask(t.admin, {
        triggers: [everyMinute],
        jobs: [{ kind: 'noop' }],
      });
      await tick(t, MINUTE);
      await runsUntil(t, taskId, 1);
      const disabled = await t.admin.post(`/api/v1/tasks/${taskId}/disable`);
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      await tick(t, MINUTE);
      // The witness's occurrence is claimed in the same transaction as the task's would be.
      await runsUntil(t, witness, 2);
      assert.equal((await runsOf(t, taskId)).length, 1, 'no run while disabled');
      await t.admin.post(`/api/v1/tasks/${witness}/disable`);
      await tick(t, 3.5 * MINUTE);
      const enabled = await t.admin.post(`/api/v1/tasks/${taskId}/enable`);
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      assert.equal(enabled.body.nextRunAt, minute(6));
      await tick(t, MINUTE / 2);
      await runsUntil(t, taskId, 2);
      const runs = await settle(t, taskId, witness);
      assert.deepEqual(
        runs.filter((run) => run.taskId === taskId).map((run) => run.scheduledFor),
        [minute(1), minute(6)],
      );
    });
  });
}
