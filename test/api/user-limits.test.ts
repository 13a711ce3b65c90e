import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { operatorCaller } from '../../src/auth/caller.ts';
import { DEFAULT_LIMITS, type UserLimits } from '../../src/domain/settings.ts';
import { orderedId } from '../../src/domain/ordered-id.ts';
import { importTasks } from '../../src/tasks/task-import.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runLog, runTask } from '../support/engine-runs.ts';

/** No limit at all: each test sets only the one it is about. */
const NO_LIMITS: UserLimits = {
  tasksPerUser: null,
  minimumIntervalSeconds: null,
  runsPerMinutePerUser: null,
  artifactBytesPerUser: null,
};

/** A time trigger of a cron expression (6 fields: seconds first). */
function cron(expression: string) {
  return {
    kind: 'time',
    config: {
      start: '2026-01-01T00:00',
      timezone: 'UTC',
      intervals: [{ kind: 'cron', expression }],
    },
  };
}

const plainTask = (name: string) => ({ name, enabled: false, jobs: [{ kind: 'noop' }] });

for (const backend of await backends()) {
  describe(`per-user limits on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let users = 0;

    before(async () => {
      t = await startEngineApp(backend, 'user-limits');
    });
    after(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await setLimits(NO_LIMITS);
    });

    /** Sets limits as the administrator, which must succeed. */
    async function setLimits(limits: Partial<UserLimits>) {
      const changed = await t.admin.patch('/api/v1/settings', { limits });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
    }

    /** A new user of the planner, so that no test counts another's tasks or runs. */
    async function newUser(permissions: string[] = ['taskplanner']) {
      users += 1;
      const login = `limited-${users}`;
      return { login, ...(await t.user(login, permissions)) };
    }

    async function createTask(client: ApiClient, body: Record<string, unknown>) {
      const created = await client.post('/api/v1/tasks', body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as { id: string; revision: number; hooks: Array<{ path: string }> };
    }

    /** What a refusal must leave as it was: the owner's tasks and runs, and the audit log. */
    async function state(ownerId: string) {
      const { store } = t.services;
      const tasks = await store.tasks.list({
        scope: { kind: 'owned', userId: ownerId },
        sort: 'name',
        order: 'asc',
        limit: 500,
        includeHidden: true,
      });
      const runs = await store.runs.list({ scope: { kind: 'owned', userId: ownerId }, limit: 500 });
      const audit = await store.audit.list({ limit: 500 });
      return {
        tasks: tasks.items.map((task) => [task.id, task.revision, task.ownerId, task.triggers]),
        runs: runs.items.map((run) => run.id),
        audit: audit.items.length,
      };
    }

    it('refuses a task past tasksPerUser on create, copy and import (409), changing nothing', async () => {
      const { id, client } = await newUser();
      await setLimits({ tasksPerUser: 2 });
      const first = await createTask(client, plainTask('first'));
      await createTask(client, plainTask('second'));
      const before = await state(id);

      const created = await client.post('/api/v1/tasks', plainTask('third'));
      assert.equal(created.status, 409, JSON.stringify(created.body));
      assert.equal(created.body.code, 'LIMIT_REACHED');
      assert.equal(
        created.body.detail,
        'You have 2 tasks, and this server allows at most 2 per user; delete some first',
      );
      const copied = await client.post(`/api/v1/tasks/${first.id}/copy`);
      assert.equal(copied.status, 409, JSON.stringify(copied.body));
      assert.equal(copied.body.code, 'LIMIT_REACHED');
      assert.deepEqual(await state(id), before);
    });

    it("refuses an import past the owner's tasksPerUser, importing none of the file", async () => {
      const { id, login, client } = await newUser();
      await createTask(client, plainTask('owned'));
      await setLimits({ tasksPerUser: 2 });
      const before = await state(id);
      const operator = operatorCaller(t.services.catalog.list().map((each) => each.name));
      const document = {
        format: 'taskplanner-tasks',
        version: 1,
        tasks: [plainTask('imported 1'), plainTask('imported 2')],
      };
      await assert.rejects(
        importTasks(t.services.store, t.services.tasks, operator, document, login),
        {
          code: 'LIMIT_REACHED',
          message: `Task 1: '${login}' has 2 tasks, and this server allows at most 2 per user; they must delete some first`,
        },
      );
      assert.deepEqual(await state(id), before);
    });

    it("refuses to transfer a task to an owner at tasksPerUser (409), the task staying the admin's", async () => {
      const { id, login, client } = await newUser();
      await createTask(client, plainTask('mine'));
      const admins = await createTask(t.admin, plainTask('given away'));
      await setLimits({ tasksPerUser: 1 });
      const before = await state(id);
      const adminId = (await t.services.store.tasks.get(admins.id))?.ownerId;

      const moved = await t.admin.post(`/api/v1/tasks/${admins.id}/owner`, { ownerId: id });
      assert.equal(moved.status, 409, JSON.stringify(moved.body));
      assert.equal(moved.body.code, 'LIMIT_REACHED');
      assert.match(moved.body.detail, new RegExp(`^'${login}' has 1 tasks`));
      assert.equal((await t.services.store.tasks.get(admins.id))?.ownerId, adminId);
      assert.deepEqual(await state(id), before);

      await setLimits({ tasksPerUser: null });
      const lifted = await t.admin.post(`/api/v1/tasks/${admins.id}/owner`, { ownerId: id });
      assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
    });

    it('lets a user create tasks again once tasksPerUser is null', async () => {
      const { client } = await newUser();
      await setLimits({ tasksPerUser: 0 });
      const refused = await client.post('/api/v1/tasks', plainTask('none allowed'));
      assert.equal(refused.status, 409);
      assert.equal(
        refused.body.detail,
        'You have 0 tasks, and this server allows no tasks per user; delete some first',
      );
      await setLimits({ tasksPerUser: null });
      await createTask(client, plainTask('allowed'));
    });

    it('refuses a schedule firing more often than minimumIntervalSeconds (400 on the trigger), changing nothing', async () => {
      const { id, client } = await newUser();
      await setLimits({ minimumIntervalSeconds: 60 });
      const before = await state(id);
      const everySecond = await client.post('/api/v1/tasks', {
        name: 'every second',
        enabled: false,
        triggers: [cron('0 0 * * * *'), cron('* * * * * *')],
      });
      assert.equal(everySecond.status, 400, JSON.stringify(everySecond.body));
      assert.equal(everySecond.body.code, 'VALIDATION_FAILED');
      assert.deepEqual(everySecond.body.errors, [
        {
          in: 'body',
          path: '/triggers/1',
          message: 'fires every 1 s; this server allows at most one run every 60 s',
        },
      ]);
      // Two intervals each fine alone can fire close together: the union is what counts.
      const burst = await client.post('/api/v1/tasks', {
        name: 'burst',
        enabled: false,
        triggers: [
          {
            kind: 'time',
            config: {
              start: '2026-01-01T00:00',
              timezone: 'UTC',
              intervals: [
                { kind: 'days', times: ['09:00'] },
                { kind: 'cron', expression: '30 0 9 * * *' },
              ],
            },
          },
        ],
      });
      assert.equal(burst.status, 400, JSON.stringify(burst.body));
      assert.match(
        burst.body.errors[0].message,
        /^fires 30 s apart \(at 2026-03-0\dT09:00:00\.000Z and 2026-03-0\dT09:00:30\.000Z\); this server allows at most one run every 60 s$/,
      );
      assert.deepEqual(await state(id), before);
      await createTask(client, {
        name: 'every minute',
        enabled: false,
        triggers: [cron('0 * * * * *')],
      });
    });

    it('refuses an edit to a too-frequent schedule, yet lets older tasks be edited otherwise', async () => {
      const { id, client } = await newUser();
      const older = await createTask(client, {
        name: 'older',
        enabled: false,
        triggers: [cron('*/5 * * * * *')],
      });
      await setLimits({ minimumIntervalSeconds: 3600 });
      const before = await state(id);
      const faster = await client.patch(`/api/v1/tasks/${older.id}`, {
        revision: older.revision,
        triggers: [cron('0 */10 * * * *')],
      });
      assert.equal(faster.status, 400, JSON.stringify(faster.body));
      assert.equal(faster.body.errors[0].path, '/triggers/0');
      assert.equal(
        faster.body.errors[0].message,
        'fires every 10 min; this server allows at most one run every 60 min',
      );
      assert.deepEqual(await state(id), before);

      const renamed = await client.patch(`/api/v1/tasks/${older.id}`, {
        revision: older.revision,
        name: 'older, renamed',
      });
      assert.equal(renamed.status, 200, 'an unchanged trigger is not checked again');
    });

    it('checks every schedule against the new owner when a task is transferred', async () => {
      const { id } = await newUser();
      const admins = await createTask(t.admin, {
        name: 'fast',
        enabled: false,
        triggers: [cron('* * * * * *')],
      });
      await setLimits({ minimumIntervalSeconds: 60 });
      const before = await state(id);
      const moved = await t.admin.post(`/api/v1/tasks/${admins.id}/owner`, { ownerId: id });
      assert.equal(moved.status, 400, JSON.stringify(moved.body));
      assert.equal(moved.body.errors[0].path, '/triggers/0');
      assert.deepEqual(await state(id), before);
    });

    it('accepts any schedule once minimumIntervalSeconds is null', async () => {
      const { client } = await newUser();
      await setLimits({ minimumIntervalSeconds: 60 });
      const fast = { name: 'fast', enabled: false, triggers: [cron('* * * * * *')] };
      const refused = await client.post('/api/v1/tasks', fast);
      assert.equal(refused.status, 400);
      await setLimits({ minimumIntervalSeconds: null });
      await createTask(client, fast);
    });

    it('refuses runs past runsPerMinutePerUser (429 with Retry-After), changing nothing, until a minute passed', async () => {
      const { id, client } = await newUser();
      const task = await createTask(client, plainTask('busy'));
      await setLimits({ runsPerMinutePerUser: 2 });
      for (let i = 0; i < 2; i++) {
        const started = await client.post(`/api/v1/tasks/${task.id}/run`);
        assert.equal(started.status, 202, JSON.stringify(started.body));
        await t.ended(started.body.runId);
      }
      const before = await state(id);
      const refused = await client.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(refused.status, 429, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'TOO_MANY_RUNS');
      assert.equal(
        refused.body.detail,
        "The task's owner started 2 runs in the last minute, and this server allows 2 per user; try again in 60 s",
      );
      assert.equal(refused.headers['retry-after'], '60');
      // An administrator starting the user's task is counted for the owner too.
      const byAdmin = await t.admin.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(byAdmin.status, 429, JSON.stringify(byAdmin.body));
      assert.deepEqual(await state(id), before);

      await t.clock.advance(30_000);
      const later = await client.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(later.status, 429);
      assert.equal(later.headers['retry-after'], '30');
      await t.clock.advance(30_000);
      const again = await client.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(again.status, 202, JSON.stringify(again.body));
      await t.ended(again.body.runId);
    });

    it('starts no follower past the runs per minute, saying so in the log of the run it follows', async () => {
      const { client } = await newUser();
      const first = await createTask(client, plainTask('first'));
      const follower = await createTask(client, {
        ...plainTask('follower'),
        enabled: true,
        triggers: [{ kind: 'after-task', config: { taskId: first.id } }],
      });
      await setLimits({ runsPerMinutePerUser: 1 });
      const started = await client.post(`/api/v1/tasks/${first.id}/run`);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await t.ended(started.body.runId);
      const log = await client.get(`/api/v1/runs/${started.body.runId}/log`);
      assert.match(
        String(log.body),
        new RegExp(`not starting task ${follower.id}: its owner started`),
      );
      const followed = await client.get(`/api/v1/runs?taskId=${follower.id}`);
      assert.deepEqual(followed.body.items, []);
    });

    it("answers a hook call past the owner's runs per minute with 429 TOO_MANY_RUNS", async () => {
      const { id, client } = await newUser(['taskplanner', 'trigger.http']);
      const hooked = await createTask(client, {
        name: 'hooked',
        triggers: [{ kind: 'http', config: {} }],
        jobs: [{ kind: 'noop' }],
      });
      await setLimits({ runsPerMinutePerUser: 1 });
      const path = hooked.hooks[0]?.path ?? '';
      const first = await t.anonymous.post(path);
      assert.equal(first.status, 202, JSON.stringify(first.body));
      await t.ended(first.body.runId);
      const before = await state(id);
      const second = await t.anonymous.post(path);
      assert.equal(second.status, 429, JSON.stringify(second.body));
      assert.equal(second.body.code, 'TOO_MANY_RUNS');
      assert.deepEqual(await state(id), before);
    });

    it('does not count scheduled runs, and lifts the limit at null', async () => {
      const { id, client } = await newUser();
      const task = await createTask(client, plainTask('scheduled before'));
      const now = t.clock.now();
      // Runs the schedule queued a moment ago, as the claimer writes them.
      await t.services.store.queue.insert(
        [1, 2].map((n) => ({
          id: orderedId(now),
          taskId: task.id,
          ownerId: id,
          triggerId: 'trigger-1',
          cause: 'schedule' as const,
          scheduledFor: now - n * 1000,
          occurrences: 1,
          attempt: 1,
          retryOf: null,
          parameters: {},
          chain: [task.id],
          queuedAt: now,
          reason: 'test',
          reasonCode: 'overlap-skipped' as const,
          entry: { state: 'skipped' as const },
        })),
      );
      await setLimits({ runsPerMinutePerUser: 1 });
      const started = await client.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await t.ended(started.body.runId);
      assert.equal((await client.post(`/api/v1/tasks/${task.id}/run`)).status, 429);
      await setLimits({ runsPerMinutePerUser: null });
      const lifted = await client.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(lifted.status, 202, JSON.stringify(lifted.body));
      await t.ended(lifted.body.runId);
    });

    it('exempts holders of taskplanner.admin from tasks, intervals and runs', async () => {
      await setLimits({ tasksPerUser: 0, minimumIntervalSeconds: 3600, runsPerMinutePerUser: 0 });
      const task = await createTask(t.admin, {
        name: 'admin every second',
        enabled: false,
        triggers: [cron('* * * * * *')],
        jobs: [{ kind: 'noop' }],
      });
      const started = await t.admin.post(`/api/v1/tasks/${task.id}/run`);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await t.ended(started.body.runId);
    });

    it("keeps no file past the owner's artifactBytesPerUser, saying so in the run log", async () => {
      const { client } = await newUser();
      await setLimits({ artifactBytesPerUser: 10 });
      const report = {
        jobs: [{ kind: 'file', config: { name: 'report.csv', content: 'a,b\n1,2\n' } }],
      };
      const kept = await runTask(t, client, report);
      assert.equal(kept.status, 'succeeded', JSON.stringify(kept.items));
      assert.ok(kept.results[0]?.artifactId, 'the first 8 bytes fit');

      const refused = await runTask(t, client, report);
      assert.equal(refused.status, 'succeeded', 'the run itself is not failed');
      assert.equal(refused.results[0]?.artifactId, undefined);
      assert.equal(refused.results[0]?.size, 8);
      assert.match(
        await runLog(client, refused),
        /report\.csv \(8 bytes\) is not kept for download: the owner's kept files take 8 of the 10 bytes this server allows per user/,
      );

      await setLimits({ artifactBytesPerUser: null });
      const lifted = await runTask(t, client, report);
      assert.ok(lifted.results[0]?.artifactId, 'kept once the limit is null');
    });

    it('binds administrators by artifactBytesPerUser too', async () => {
      await setLimits({ artifactBytesPerUser: 0 });
      const run = await runTask(t, t.admin, {
        jobs: [{ kind: 'file', config: { name: 'admin.txt', content: 'x' } }],
      });
      assert.equal(run.results[0]?.artifactId, undefined);
      assert.match(await runLog(t.admin, run), /admin\.txt \(1 bytes\) is not kept for download/);
    });

    it('refuses a bad limit (negative, text, fractional, too large, unknown) with 400, changing nothing', async () => {
      await setLimits(DEFAULT_LIMITS);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ tasksPerUser: -1 }, '/limits/tasksPerUser'],
        [{ tasksPerUser: '1000' }, '/limits/tasksPerUser'],
        [{ tasksPerUser: 1.5 }, '/limits/tasksPerUser'],
        [{ minimumIntervalSeconds: 0 }, '/limits/minimumIntervalSeconds'],
        [{ minimumIntervalSeconds: 'hourly' }, '/limits/minimumIntervalSeconds'],
        [{ runsPerMinutePerUser: -5 }, '/limits/runsPerMinutePerUser'],
        [{ runsPerMinutePerUser: 1e12 }, '/limits/runsPerMinutePerUser'],
        [{ artifactBytesPerUser: '1 GiB' }, '/limits/artifactBytesPerUser'],
        [{ artifactBytesPerUser: -1 }, '/limits/artifactBytesPerUser'],
        [{ storagePerUser: 5 }, '/limits/storagePerUser'],
      ];
      for (const [limits, path] of cases) {
        const before = await t.services.store.settings.get('limits');
        const audit = (await t.services.store.audit.list({ limit: 500 })).items.length;
        const refused = await t.admin.patch('/api/v1/settings', {
          limits,
          allowPlaintextSmtp: true,
        });
        assert.equal(refused.status, 400, `${JSON.stringify(limits)}: ${refused.status}`);
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        const paths = refused.body.errors.map((each: { path: string }) => each.path);
        assert.ok(paths.includes(path), `${JSON.stringify(limits)} -> ${JSON.stringify(paths)}`);
        assert.deepEqual(await t.services.store.settings.get('limits'), before);
        assert.equal(await t.services.store.settings.get('allowPlaintextSmtp'), undefined);
        assert.equal((await t.services.store.audit.list({ limit: 500 })).items.length, audit);
      }
    });
  });
}
