import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import {
  createTask,
  grantsOf,
  groupGrant,
  makeGroup,
  person,
  putGrants,
  share,
  sharedTaskWithRun,
  startRun,
  userGrant,
  type Grant,
  type Level,
  type Person,
  type SharedTask,
} from '../support/grant-world.ts';

/** The levels in order; each includes the ones before. */
const LEVELS: readonly Level[] = ['view', 'run', 'edit', 'manage'];

/** What a route needs: a grant level, or taskplanner.admin (which no grant gives). */
type Needed = Level | 'admin';

/** What one call of the matrix can use: who calls, the task's owner and the shared task. */
interface CallContext {
  caller: Person;
  owner: ApiClient;
  shared: SharedTask;
}

/** A route of the matrix: the level it needs, its status on success, and how to call it. */
interface RouteCheck {
  route: string;
  needs: Needed;
  succeeds: number;
  call: (context: CallContext) => Promise<ApiResponse>;
}

const taskUrl = ({ shared }: CallContext) => `/api/v1/tasks/${shared.taskId}`;
const runUrl = ({ shared }: CallContext) => `/api/v1/runs/${shared.runId}`;

/** The task as its owner sees it now (for the revision an edit is based on). */
async function current(context: CallContext): Promise<Record<string, any>> {
  const task = await context.owner.get(taskUrl(context));
  assert.equal(task.status, 200, JSON.stringify(task.body));
  return task.body;
}

/** The fields of a task view that PUT takes back, with the revision they are based on. */
function editable(task: Record<string, any>) {
  const { name, description, enabled, timezone, triggers, jobs, actions, series, policy } = task;
  return {
    ...{ name, description, enabled, timezone, triggers, jobs, actions, series, policy },
    revision: task.revision as number,
  };
}

/**
 * Every route of a task and its runs, in the order the matrix calls them: the ones that take
 * the task away (giving it away, deleting it) come last.
 */
const ROUTES: readonly RouteCheck[] = [
  {
    route: 'GET /tasks/{id}',
    needs: 'view',
    succeeds: 200,
    call: (c) => c.caller.client.get(taskUrl(c)),
  },
  {
    route: 'GET /tasks/{id}/grants',
    needs: 'view',
    succeeds: 200,
    call: (c) => c.caller.client.get(`${taskUrl(c)}/grants`),
  },
  {
    route: 'POST /tasks/{id}/copy',
    needs: 'view',
    succeeds: 201,
    call: (c) => c.caller.client.post(`${taskUrl(c)}/copy`),
  },
  {
    route: 'GET /runs?taskId=',
    needs: 'view',
    succeeds: 200,
    call: (c) => c.caller.client.get(`/api/v1/runs?taskId=${c.shared.taskId}`),
  },
  {
    route: 'GET /runs/{id}',
    needs: 'view',
    succeeds: 200,
    call: (c) => c.caller.client.get(runUrl(c)),
  },
  {
    route: 'GET /runs/{id}/log',
    needs: 'view',
    succeeds: 200,
    call: (c) => c.caller.client.get(`${runUrl(c)}/log`),
  },
  {
    route: 'GET /runs/{id}/log (live stream)',
    needs: 'view',
    succeeds: 200,
    call: (c) =>
      c.caller.client.request('GET', `${runUrl(c)}/log`, undefined, {
        accept: 'text/event-stream',
      }),
  },
  {
    route: 'GET /runs/{id}/artifacts/{artifactId}',
    needs: 'view',
    succeeds: 200,
    call: (c) => c.caller.client.get(`${runUrl(c)}/artifacts/${c.shared.artifactId}`),
  },
  {
    route: 'POST /tasks/{id}/run',
    needs: 'run',
    succeeds: 202,
    call: (c) => c.caller.client.post(`${taskUrl(c)}/run`),
  },
  {
    // The file job needs no permission, so anyone who may run the task may give parameters.
    route: 'POST /tasks/{id}/run with parameters',
    needs: 'run',
    succeeds: 202,
    call: (c) => c.caller.client.post(`${taskUrl(c)}/run`, { parameters: { who: 'bob' } }),
  },
  {
    route: 'POST /runs/{id}/cancel',
    needs: 'run',
    succeeds: 202,
    call: async (c) => {
      const queued = await startRun(c.owner, c.shared.taskId);
      return c.caller.client.post(`/api/v1/runs/${queued}/cancel`);
    },
  },
  {
    route: 'PUT /tasks/{id}',
    needs: 'edit',
    succeeds: 200,
    call: async (c) => {
      const task = await current(c);
      return c.caller.client.put(taskUrl(c), { ...editable(task), name: `${task.name} (put)` });
    },
  },
  {
    route: 'PATCH /tasks/{id}',
    needs: 'edit',
    succeeds: 200,
    call: async (c) => {
      const { revision, name } = await current(c);
      return c.caller.client.patch(taskUrl(c), { revision, name: `${name} (patched)` });
    },
  },
  {
    route: 'POST /tasks/{id}/disable',
    needs: 'edit',
    succeeds: 200,
    call: (c) => c.caller.client.post(`${taskUrl(c)}/disable`),
  },
  {
    route: 'POST /tasks/{id}/enable',
    needs: 'edit',
    succeeds: 200,
    call: (c) => c.caller.client.post(`${taskUrl(c)}/enable`),
  },
  {
    route: 'PUT /tasks/{id}/grants',
    needs: 'manage',
    succeeds: 200,
    call: (c) => putGrants(c.caller.client, c.shared.taskId, c.shared.grants),
  },
  {
    route: 'POST /tasks/{id}/owner',
    needs: 'admin',
    succeeds: 200,
    call: (c) => c.caller.client.post(`${taskUrl(c)}/owner`, { ownerId: c.caller.id }),
  },
  {
    route: 'DELETE /tasks/{id}',
    needs: 'manage',
    succeeds: 204,
    call: (c) => c.caller.client.delete(taskUrl(c)),
  },
];

/** The status a caller holding the level (or none) must get from the route. */
function expectedStatus(level: Level | 'none', check: RouteCheck): number {
  if (level === 'none') return 404;
  if (check.needs === 'admin') return 403;
  return LEVELS.indexOf(level) >= LEVELS.indexOf(check.needs) ? check.succeeds : 403;
}

/** How bob gets his level on a task of the matrix. */
type Channel = 'user' | 'group';

/** One case of the matrix: bob's level, how he holds it, and the task shared so. */
interface MatrixCase {
  level: Level | 'none';
  channel: Channel;
  shared?: SharedTask;
}

/** The ids of tasks in a listing. */
async function listedTaskIds(client: ApiClient, query = ''): Promise<string[]> {
  const listed = await client.get(`/api/v1/tasks?limit=500${query}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items.map((task: { id: string }) => task.id);
}

/** The ids of runs in a listing. */
async function listedRunIds(client: ApiClient, query = ''): Promise<string[]> {
  const listed = await client.get(`/api/v1/runs?limit=500${query}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items.map((run: { id: string }) => run.id);
}

/** The audit events of a task with the action, newest first. */
async function auditOf(t: EngineApp, taskId: string, action: string) {
  const events = await t.admin.get(`/api/v1/audit?objectType=task&objectId=${taskId}&limit=500`);
  assert.equal(events.status, 200, JSON.stringify(events.body));
  return events.body.items.filter((event: { action: string }) => event.action === action);
}

const noopTask = (name: string) => ({ name, jobs: [{ kind: 'noop' }] });

for (const backend of await backends()) {
  describe(`sharing tasks with grants, on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: Person;
    let bob: Person;
    let carol: Person;

    before(async () => {
      t = await startEngineApp(backend, 'task-grants');
      const planner = ['taskplanner'];
      alice = await person(t, 'alice', [...planner, 'job.guarded', 'trigger.http'], {
        displayName: 'Alice Archer',
        email: 'alice@example.com',
      });
      bob = await person(t, 'bob', planner);
      carol = await person(t, 'carol', planner);
    });
    after(async () => {
      await t?.close();
    });

    describe('the route matrix: each level, held directly and through a group', () => {
      const cases: MatrixCase[] = (['user', 'group'] as const).flatMap((channel) =>
        (['none', ...LEVELS] as const).map((level) => ({ level, channel })),
      );

      /**
       * The grants of a case's task: bob's level, to him or to a group of his; for 'none' the
       * task is shared at manage, but with carol or a group bob is not in.
       */
      async function grantsFor({ level, channel }: MatrixCase): Promise<Grant[]> {
        const label = `${channel}-${level}`;
        if (level === 'none') {
          if (channel === 'user') return [userGrant(carol.id, 'manage')];
          return [groupGrant(await makeGroup(t, `without bob ${label}`, [carol.id]), 'manage')];
        }
        if (channel === 'user') return [userGrant(bob.id, level)];
        return [groupGrant(await makeGroup(t, `with bob ${label}`, [bob.id]), level)];
      }

      before(async () => {
        for (const each of cases) {
          const name = `matrix ${each.channel} ${each.level}`;
          each.shared = await sharedTaskWithRun(t, alice.client, name, await grantsFor(each));
        }
        // From here on runs stay queued, so that each cancel meets a run not yet ended.
        await t.stopEngine();
      });

      for (const each of cases) {
        it(`answers bob holding ${each.level} through a ${each.channel} grant`, async () => {
          const shared = each.shared;
          assert.ok(shared, 'the task of the case was made');
          const context: CallContext = { caller: bob, owner: alice.client, shared };
          const got: Record<string, number> = {};
          const expected: Record<string, number> = {};
          const details: string[] = [];
          for (const check of ROUTES) {
            const response = await check.call(context);
            got[check.route] = response.status;
            expected[check.route] = expectedStatus(each.level, check);
            if (response.status !== expected[check.route]) {
              details.push(`${check.route}: ${JSON.stringify(response.body).slice(0, 300)}`);
            }
          }
          assert.deepEqual(got, expected, details.join('\n'));
        });
      }

      it('gives the copy of a shared task to the one who copies it', async () => {
        const task = await createTask(alice.client, noopTask('copied by bob'));
        await share(alice.client, task.id, [userGrant(bob.id, 'view')]);
        const copy = await bob.client.post(`/api/v1/tasks/${task.id}/copy`);
        assert.equal(copy.status, 201, JSON.stringify(copy.body));
        assert.equal(copy.body.ownerId, bob.id);
        assert.equal(copy.body.access, 'owner');
        assert.deepEqual(await grantsOf(bob.client, copy.body.id), [], 'no grants are copied');
      });
    });

    describe('a task shared with the group finance at run', () => {
      let frank: Person;
      let nina: Person;
      let financeId: string;
      let taskId: string;

      before(async () => {
        frank = await person(t, 'frank', ['taskplanner']);
        nina = await person(t, 'nina', ['taskplanner']);
        financeId = await makeGroup(t, 'finance', [frank.id]);
        taskId = (await createTask(alice.client, noopTask('month end'))).id;
        await share(alice.client, taskId, [groupGrant(financeId, 'run')]);
      });

      it('is listed for a member as shared, at run, with the owner’s name', async () => {
        const own = (await createTask(frank.client, noopTask('frank own'))).id;
        const listed = await frank.client.get('/api/v1/tasks?limit=500');
        const item = listed.body.items.find((task: { id: string }) => task.id === taskId);
        assert.ok(item, JSON.stringify(listed.body));
        assert.equal(item.access, 'run');
        assert.equal(item.ownerName, 'Alice Archer');
        assert.equal(item.ownerId, alice.id);
        assert.ok((await listedTaskIds(frank.client)).includes(own), 'with his own by default');
        assert.deepEqual(await listedTaskIds(frank.client, '&scope=shared'), [taskId]);
        assert.deepEqual(await listedTaskIds(frank.client, '&scope=mine'), [own]);
        assert.deepEqual(
          new Set(await listedTaskIds(frank.client, '&scope=all')),
          new Set([own, taskId]),
          'for someone not an administrator, all is their own and the shared',
        );
      });

      it('is run by a member as its owner, and his run is listed for him', async () => {
        const runId = await startRun(frank.client, taskId);
        const run = await frank.client.get(`/api/v1/runs/${runId}`);
        assert.equal(run.status, 200, JSON.stringify(run.body));
        assert.equal(run.body.ownerId, alice.id);
        assert.equal(run.body.taskId, taskId);
        assert.ok((await listedRunIds(frank.client)).includes(runId));
        assert.ok(!(await listedRunIds(nina.client)).includes(runId));
      });

      it('is not found for someone outside the group', async () => {
        assert.equal((await nina.client.get(`/api/v1/tasks/${taskId}`)).status, 404);
        assert.equal((await nina.client.post(`/api/v1/tasks/${taskId}/run`)).status, 404);
        assert.ok(!(await listedTaskIds(nina.client)).includes(taskId));
      });

      it('is taken away from a member who leaves the group', async () => {
        const left = await t.admin.patch(`/api/v1/groups/${financeId}`, { memberIds: [] });
        assert.equal(left.status, 200, JSON.stringify(left.body));
        assert.equal((await frank.client.get(`/api/v1/tasks/${taskId}`)).status, 404);
        assert.equal((await frank.client.post(`/api/v1/tasks/${taskId}/run`)).status, 404);
        assert.ok(!(await listedTaskIds(frank.client)).includes(taskId));
      });
    });

    describe('a rights list refused', () => {
      let taskId: string;
      let groupId: string;
      const oldList = () => [userGrant(bob.id, 'view')];

      before(async () => {
        taskId = (await createTask(alice.client, noopTask('guarded list'))).id;
        groupId = await makeGroup(t, 'refusals', [carol.id]);
        await share(alice.client, taskId, oldList());
      });

      /** Bad lists, each with the path its error must name. */
      const badLists = (): Array<{ what: string; grants: unknown; path: string }> => [
        {
          what: 'an unknown user',
          grants: [userGrant(carol.id, 'view'), userGrant('no-such-user', 'view')],
          path: '/grants/1/subject',
        },
        {
          what: 'an unknown group',
          grants: [groupGrant('no-such-group', 'run')],
          path: '/grants/0/subject',
        },
        {
          what: 'the same subject twice',
          grants: [groupGrant(groupId, 'view'), groupGrant(groupId, 'edit')],
          path: '/grants/1/subject',
        },
        { what: 'the owner', grants: [userGrant(alice.id, 'view')], path: '/grants/0/subject' },
        {
          what: 'a bad level',
          grants: [userGrant(carol.id, 'view'), { ...userGrant(bob.id, 'view'), level: 'owner' }],
          path: '/grants/1/level',
        },
        {
          what: '201 entries',
          grants: Array.from({ length: 201 }, (_, i) => userGrant(`user-${i}`, 'view')),
          path: '/grants',
        },
        {
          what: 'an extra property of an entry',
          grants: [{ ...userGrant(carol.id, 'view'), expires: '2030-01-01' }],
          path: '/grants/0/expires',
        },
        {
          what: 'an extra property of a subject',
          grants: [{ subject: { type: 'user', id: carol.id, login: 'carol' }, level: 'view' }],
          path: '/grants/0/subject/login',
        },
      ];

      it('is a 400 naming the entry, and the old list stays', async () => {
        const auditedBefore = (await auditOf(t, taskId, 'task.grants')).length;
        for (const { what, grants, path } of badLists()) {
          const put = await putGrants(alice.client, taskId, grants);
          assert.equal(put.status, 400, `${what}: ${JSON.stringify(put.body)}`);
          const paths = put.body.errors.map((error: { path: string }) => error.path);
          assert.ok(paths.includes(path), `${what}: ${JSON.stringify(put.body.errors)}`);
          assert.deepEqual(await grantsOf(alice.client, taskId), oldList(), what);
        }
        const auditedAfter = (await auditOf(t, taskId, 'task.grants')).length;
        assert.equal(auditedAfter, auditedBefore, 'a refused change is not audited');
      });

      it('is a 403 from someone who may only run the task, and the old list stays', async () => {
        await share(alice.client, taskId, [userGrant(bob.id, 'run')]);
        const put = await putGrants(bob.client, taskId, [userGrant(bob.id, 'manage')]);
        assert.equal(put.status, 403, JSON.stringify(put.body));
        assert.deepEqual(await grantsOf(alice.client, taskId), [userGrant(bob.id, 'run')]);
        await share(alice.client, taskId, oldList());
      });
    });

    it('audits a change of the rights list with the list before and after', async () => {
      const taskId = (await createTask(alice.client, noopTask('audited list'))).id;
      const groupId = await makeGroup(t, 'auditors', []);
      await share(alice.client, taskId, [userGrant(bob.id, 'view')]);
      await share(alice.client, taskId, [groupGrant(groupId, 'edit'), userGrant(bob.id, 'run')]);
      const [latest] = await auditOf(t, taskId, 'task.grants');
      assert.ok(latest, 'a task.grants event is written');
      assert.equal(latest.actorLogin, 'alice');
      assert.equal(latest.details.name, 'audited list');
      assert.deepEqual(latest.details.before, [
        { type: 'user', id: bob.id, name: 'bob', level: 'view' },
      ]);
      assert.deepEqual(latest.details.after, [
        { type: 'group', id: groupId, name: 'auditors', level: 'edit' },
        { type: 'user', id: bob.id, name: 'bob', level: 'run' },
      ]);
    });

    describe('an editor without a permission the task uses', () => {
      let taskId: string;
      let erin: Person;
      const guardedJob = { id: 'guarded', kind: 'guarded', config: {} };

      before(async () => {
        erin = await person(t, 'erin', ['taskplanner', 'job.guarded']);
        const task = await createTask(alice.client, { name: 'guarded', jobs: [guardedJob] });
        taskId = task.id;
        await share(alice.client, taskId, [userGrant(bob.id, 'edit'), userGrant(erin.id, 'edit')]);
      });

      const revision = async () => (await alice.client.get(`/api/v1/tasks/${taskId}`)).body;

      it('may switch it off and on and describe it', async () => {
        assert.equal((await bob.client.post(`/api/v1/tasks/${taskId}/disable`)).status, 200);
        assert.equal((await bob.client.post(`/api/v1/tasks/${taskId}/enable`)).status, 200);
        const described = await bob.client.patch(`/api/v1/tasks/${taskId}`, {
          revision: (await revision()).revision,
          description: 'described by bob',
        });
        assert.equal(described.status, 200, JSON.stringify(described.body));
        const put = await bob.client.put(`/api/v1/tasks/${taskId}`, {
          ...editable(await revision()),
          description: 'described again by bob',
        });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.equal((await revision()).description, 'described again by bob');
      });

      it('may not rename it or change its jobs, nor run it with parameters', async () => {
        const before = await revision();
        const renamed = await bob.client.patch(`/api/v1/tasks/${taskId}`, {
          revision: before.revision,
          name: 'renamed by bob',
        });
        assert.equal(renamed.status, 403, JSON.stringify(renamed.body));
        assert.match(renamed.body.detail, /job\.guarded/);
        const rejobbed = await bob.client.patch(`/api/v1/tasks/${taskId}`, {
          revision: before.revision,
          jobs: [guardedJob, { ...guardedJob, id: 'second' }],
        });
        assert.equal(rejobbed.status, 403, JSON.stringify(rejobbed.body));
        const withParameters = await bob.client.post(`/api/v1/tasks/${taskId}/run`, {
          parameters: { month: '2026-03' },
        });
        assert.equal(withParameters.status, 403, JSON.stringify(withParameters.body));
        assert.equal((await bob.client.post(`/api/v1/tasks/${taskId}/run`)).status, 202);
        const after = await revision();
        assert.equal(after.revision, before.revision, 'nothing was written');
        assert.equal(after.name, 'guarded');
        assert.equal(after.jobs.length, 1);
      });

      it('holding that permission, may rename it and run it with parameters', async () => {
        const renamed = await erin.client.patch(`/api/v1/tasks/${taskId}`, {
          revision: (await revision()).revision,
          name: 'renamed by erin',
        });
        assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
        const started = await erin.client.post(`/api/v1/tasks/${taskId}/run`, {
          parameters: { month: '2026-03' },
        });
        assert.equal(started.status, 202, JSON.stringify(started.body));
      });
    });

    it('shows hook URLs to the owner and administrators only, not to a manager', async () => {
      const task = await createTask(alice.client, {
        name: 'hooked',
        triggers: [{ kind: 'http', config: {} }],
      });
      await share(alice.client, task.id, [userGrant(bob.id, 'manage')]);
      const ownView = (await alice.client.get(`/api/v1/tasks/${task.id}`)).body;
      const adminView = (await t.admin.get(`/api/v1/tasks/${task.id}`)).body;
      const managerView = (await bob.client.get(`/api/v1/tasks/${task.id}`)).body;
      assert.ok(ownView.hooks.length > 0, JSON.stringify(ownView.hooks));
      assert.equal(adminView.access, 'admin');
      assert.deepEqual(adminView.hooks, ownView.hooks);
      assert.equal(managerView.access, 'manage');
      assert.deepEqual(managerView.hooks, []);
      const listed = await bob.client.get('/api/v1/tasks?scope=shared&limit=500');
      const item = listed.body.items.find((each: { id: string }) => each.id === task.id);
      assert.deepEqual(item?.hooks, [], 'nor in his list');
    });

    describe('the grants every new task starts with', () => {
      let readers: string;
      let reader: Person;

      before(async () => {
        reader = await person(t, 'rita', ['taskplanner']);
        readers = await makeGroup(t, 'readers', [reader.id]);
      });
      after(async () => {
        const reset = await t.admin.patch('/api/v1/settings', { newTaskGrants: [] });
        assert.equal(reset.status, 200, JSON.stringify(reset.body));
      });

      it('are given to a task made after they are set', async () => {
        const earlier = (await createTask(alice.client, noopTask('before defaults'))).id;
        const set = await t.admin.patch('/api/v1/settings', {
          newTaskGrants: [groupGrant(readers, 'view')],
        });
        assert.equal(set.status, 200, JSON.stringify(set.body));
        const later = (await createTask(alice.client, noopTask('after defaults'))).id;
        assert.deepEqual(await grantsOf(alice.client, later), [groupGrant(readers, 'view')]);
        const seen = await reader.client.get(`/api/v1/tasks/${later}`);
        assert.equal(seen.status, 200, JSON.stringify(seen.body));
        assert.equal(seen.body.access, 'view');
        assert.equal((await reader.client.post(`/api/v1/tasks/${later}/run`)).status, 403);
        assert.equal((await reader.client.get(`/api/v1/tasks/${earlier}`)).status, 404);
      });

      it('refuse an unknown user or group, keeping the setting', async () => {
        const kept = (await t.admin.get('/api/v1/settings')).body.newTaskGrants;
        for (const unknown of [groupGrant('no-such-group', 'view'), userGrant('nobody', 'run')]) {
          const set = await t.admin.patch('/api/v1/settings', { newTaskGrants: [unknown] });
          assert.equal(set.status, 400, JSON.stringify(set.body));
          const paths = set.body.errors.map((error: { path: string }) => error.path);
          assert.deepEqual(paths, ['/newTaskGrants/0/subject']);
        }
        assert.deepEqual((await t.admin.get('/api/v1/settings')).body.newTaskGrants, kept);
      });
    });

    it('drops the grants of a deleted group and of a deleted user', async () => {
      const taskId = (await createTask(alice.client, noopTask('outliving'))).id;
      const dave = await person(t, 'dave', ['taskplanner']);
      const groupId = await makeGroup(t, 'short lived', [bob.id]);
      const kept = userGrant(carol.id, 'view');
      await share(alice.client, taskId, [
        groupGrant(groupId, 'run'),
        kept,
        userGrant(dave.id, 'edit'),
      ]);
      assert.equal((await t.admin.delete(`/api/v1/groups/${groupId}`)).status, 204);
      // The list reads groups by name, then users by login.
      assert.deepEqual(await grantsOf(alice.client, taskId), [kept, userGrant(dave.id, 'edit')]);
      assert.equal((await t.admin.delete(`/api/v1/users/${dave.id}`)).status, 204);
      assert.deepEqual(await grantsOf(alice.client, taskId), [kept]);
    });

    it('lists enabled users and groups to share with, by name only', async () => {
      const dora = await person(t, 'dora-away', ['taskplanner']);
      assert.equal(
        (await t.admin.patch(`/api/v1/users/${dora.id}`, { disabled: true })).status,
        200,
      );
      await makeGroup(t, 'alice fans', []);
      const found = await bob.client.get('/api/v1/directory?q=ali');
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual(found.body.users, [
        { id: alice.id, login: 'alice', displayName: 'Alice Archer' },
      ]);
      assert.deepEqual(
        found.body.groups.map((group: Record<string, unknown>) => Object.keys(group).sort()),
        [['id', 'name']],
      );
      assert.ok(!JSON.stringify(found.body).includes('alice@example.com'), 'no e-mail');
      const away = await bob.client.get('/api/v1/directory?q=dora');
      assert.deepEqual(away.body.users, [], 'a disabled user is not offered');
      // Disabled users are left out before the page is cut: they never push others off it.
      const dory = await person(t, 'dory-here', ['taskplanner']);
      const first = await bob.client.get('/api/v1/directory?q=dor&limit=1');
      assert.deepEqual(
        first.body.users.map((user: { id: string }) => user.id),
        [dory.id],
      );
    });
  });
}
