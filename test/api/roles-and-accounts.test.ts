import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedRoles } from '../../src/auth/seed-roles.ts';
import { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

/** A group as GET /api/v1/groups lists it. */
interface GroupView {
  id: string;
  name: string;
  permissions: string[];
  memberIds: string[];
  role: boolean;
  description: string;
}

/** What a user's tasks on the planner never include: administration and reaching the server. */
const NOT_FOR_PLANNERS = [
  'taskplanner.admin',
  'users.manage',
  'settings.manage',
  'audit.read',
  'mail.manage',
  'job.command',
  'trigger.files',
];

async function groupsOf(client: ApiClient): Promise<GroupView[]> {
  const listed = await client.get('/api/v1/groups');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items;
}

async function groupNamed(client: ApiClient, name: string): Promise<GroupView> {
  const group = (await groupsOf(client)).find((each) => each.name === name);
  assert.ok(group, `no group ${name}`);
  return group;
}

/** Every permission the server's catalog lists, sorted. */
async function catalogOf(client: ApiClient): Promise<string[]> {
  const listed = await client.get('/api/v1/permissions');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items.map((permission: { name: string }) => permission.name).sort();
}

/** Creates a user as the admin (201 asserted) and logs them in with the password passwordOf gives. */
async function createUser(
  t: TestApp,
  login: string,
  fields: Record<string, unknown>,
): Promise<{ id: string; body: any; client: ApiClient }> {
  const created = await t.admin.post('/api/v1/users', {
    login,
    password: passwordOf(login),
    ...fields,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return {
    id: created.body.id,
    body: created.body,
    client: await t.login(login, passwordOf(login)),
  };
}

async function createTask(client: ApiClient, body: Record<string, unknown>): Promise<string> {
  const created = await client.post('/api/v1/tasks', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** The ids of the tasks a user owns, as an administrator lists them, sorted. */
async function tasksOwnedBy(admin: ApiClient, userId: string): Promise<string[]> {
  const listed = await admin.get(`/api/v1/tasks?owner=${userId}&limit=500`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items.map((task: { id: string }) => task.id).sort();
}

/** The user.delete audit event of a user. */
async function deletionEvent(admin: ApiClient, userId: string): Promise<any> {
  const listed = await admin.get(`/api/v1/audit?objectType=user&objectId=${userId}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const event = listed.body.items.find((each: { action: string }) => each.action === 'user.delete');
  assert.ok(event, `no user.delete event for ${userId}`);
  return event;
}

function basicAuth(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

function assertPasswordChangeRequired(response: { status: number; body: any }): void {
  assert.equal(response.status, 403, JSON.stringify(response.body));
  assert.equal(response.body.code, 'PASSWORD_CHANGE_REQUIRED');
}

for (const backend of await backends()) {
  describe(`seeding the shipped roles on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(backend, 'roles-seed');
    });
    after(async () => {
      await t?.close();
    });

    it('leaves a group named like a role and chosen new-task rights alone, and brings no deleted role back', async () => {
      const own = await t.admin.post('/api/v1/groups', {
        name: 'Planners',
        permissions: ['taskplanner'],
      });
      assert.equal(own.status, 201, JSON.stringify(own.body));
      const chosen = await t.admin.patch('/api/v1/settings', { newTaskGrants: [] });
      assert.equal(chosen.status, 200, JSON.stringify(chosen.body));

      const made = await seedRoles(t.testStore.store, t.services.catalog, new Date());
      assert.deepEqual(made, ['Operators', 'Administrators']);
      const planners = await groupNamed(t.admin, 'Planners');
      assert.equal(planners.id, own.body.id);
      assert.deepEqual(planners.permissions, ['taskplanner'], 'its permissions are unchanged');
      assert.equal(planners.role, false);
      const settings = await t.admin.get('/api/v1/settings');
      assert.deepEqual(settings.body.newTaskGrants, [], 'the chosen rights of new tasks stay');

      const operators = await groupNamed(t.admin, 'Operators');
      assert.equal((await t.admin.delete(`/api/v1/groups/${operators.id}`)).status, 204);
      assert.deepEqual(await seedRoles(t.testStore.store, t.services.catalog, new Date()), []);
      const names = (await groupsOf(t.admin)).map((group) => group.name).sort();
      assert.deepEqual(names, ['Administrators', 'Planners']);
    });
  });

  describe(`roles and accounts on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let adminId: string;
    let planners: GroupView;

    before(async () => {
      t = await startTestApp(backend, 'roles-accounts', { roles: true });
      adminId = (await t.admin.get('/api/v1/me')).body.id;
      planners = await groupNamed(t.admin, 'Planners');
    });
    after(async () => {
      await t?.close();
    });

    describe('the shipped roles', () => {
      it('are made once as role groups, with the admin in Administrators, who manage new tasks', async () => {
        const groups = await groupsOf(t.admin);
        assert.deepEqual(groups.map((group) => group.name).sort(), [
          'Administrators',
          'Operators',
          'Planners',
        ]);
        for (const group of groups) {
          assert.equal(group.role, true, group.name);
          assert.ok(group.description.length > 0, `${group.name} has a description`);
        }
        const administrators = await groupNamed(t.admin, 'Administrators');
        assert.deepEqual(administrators.memberIds, [adminId]);
        assert.deepEqual((await groupNamed(t.admin, 'Planners')).memberIds, []);
        const settings = await t.admin.get('/api/v1/settings');
        assert.deepEqual(settings.body.newTaskGrants, [
          { subject: { type: 'group', id: administrators.id }, level: 'manage' },
        ]);

        assert.deepEqual(await seedRoles(t.testStore.store, t.services.catalog, new Date()), []);
        assert.equal((await groupsOf(t.admin)).length, 3, 'a second call makes nothing');
      });

      it('give Planners the common components, Operators the server-reaching ones too, Administrators everything', async () => {
        const catalog = await catalogOf(t.admin);
        for (const needed of ['job.http', 'action.email', 'job.sql', ...NOT_FOR_PLANNERS]) {
          assert.ok(catalog.includes(needed), `the catalog lists ${needed}`);
        }
        const plannerPermissions = (await groupNamed(t.admin, 'Planners')).permissions;
        assert.deepEqual(
          plannerPermissions,
          catalog.filter((name) => !NOT_FOR_PLANNERS.includes(name)),
        );
        assert.ok(plannerPermissions.includes('taskplanner'));
        const operators = (await groupNamed(t.admin, 'Operators')).permissions;
        assert.deepEqual(
          operators,
          [...plannerPermissions, 'job.command', 'trigger.files', 'audit.read'].sort(),
        );
        assert.deepEqual((await groupNamed(t.admin, 'Administrators')).permissions, catalog);
      });
    });

    describe('creating users in groups', () => {
      it('gives a user made in Planners no permissions of their own, only what the role holds', async () => {
        const { body, client } = await createUser(t, 'rolf', { groupIds: [planners.id] });
        assert.deepEqual(body.permissions, []);
        assert.deepEqual(body.groupIds, [planners.id]);
        const me = (await client.get('/api/v1/me')).body;
        assert.deepEqual([...me.permissions].sort(), planners.permissions);
        assert.equal((await client.get('/api/v1/tasks')).status, 200);
        assert.equal((await client.get('/api/v1/users')).status, 403);
        assert.deepEqual((await groupNamed(t.admin, 'Planners')).memberIds, [body.id]);
      });

      it('still gives a user made without permissions or groups the planner only', async () => {
        const { body } = await createUser(t, 'plainpaula', {});
        assert.deepEqual(body.permissions, ['taskplanner']);
        assert.deepEqual(body.groupIds, []);
      });

      it('does not let a manager put a user into a group holding what the manager lacks', async () => {
        const { client: manager } = await createUser(t, 'smallboss', {
          permissions: ['taskplanner', 'users.manage'],
        });
        const refused = await manager.post('/api/v1/users', {
          login: 'wannabe',
          password: passwordOf('wannabe'),
          groupIds: [planners.id],
        });
        assert.equal(refused.status, 403, JSON.stringify(refused.body));
        assert.equal(refused.body.code, 'FORBIDDEN');
        assert.deepEqual((await t.admin.get('/api/v1/users?q=wannabe')).body.items, []);
        assert.deepEqual((await groupNamed(t.admin, 'Planners')).memberIds.length, 1);

        const { client: equal } = await createUser(t, 'fullboss', {
          permissions: [...planners.permissions, 'users.manage'],
        });
        const allowed = await equal.post('/api/v1/users', {
          login: 'newcomer',
          password: passwordOf('newcomer'),
          groupIds: [planners.id],
        });
        assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
      });

      it('refuses an unknown group at its index, creating nobody', async () => {
        const unknown = await t.admin.post('/api/v1/users', {
          login: 'ghostly',
          password: passwordOf('ghostly'),
          groupIds: ['no-such-group'],
        });
        assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
        assert.equal(unknown.body.errors[0].path, '/groupIds/0');
        const second = await t.admin.post('/api/v1/users', {
          login: 'ghostly',
          password: passwordOf('ghostly'),
          groupIds: [planners.id, 'no-such-group'],
        });
        assert.equal(second.status, 400, JSON.stringify(second.body));
        assert.equal(second.body.errors[0].path, '/groupIds/1');
        assert.deepEqual((await t.admin.get('/api/v1/users?q=ghostly')).body.items, []);
      });
    });

    describe('a password someone else chose', () => {
      const newPassword = 'fresh-orchard-42';
      let monaId: string;
      let session: ApiClient;

      it('lets the user in only to see who they are and change it', async () => {
        const made = await createUser(t, 'mona', { mustChangePassword: true });
        monaId = made.id;
        session = made.client;
        assert.equal(made.body.mustChangePassword, true);
        const me = await session.get('/api/v1/me');
        assert.equal(me.status, 200);
        assert.equal(me.body.mustChangePassword, true);
        assertPasswordChangeRequired(await session.get('/api/v1/tasks'));
        assertPasswordChangeRequired(await session.post('/api/v1/tokens', { name: 'escape' }));
        const basic = new ApiClient(t.app, {
          authorization: basicAuth('mona', passwordOf('mona')),
        });
        assertPasswordChangeRequired(await basic.get('/api/v1/tasks'));
        assert.equal((await t.admin.get('/api/v1/me')).body.mustChangePassword, false);
      });

      it('keeps the demand after a wrong current password', async () => {
        const wrong = await session.put('/api/v1/me/password', {
          currentPassword: 'not-the-password-7',
          newPassword,
        });
        assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
        assert.equal((await session.get('/api/v1/me')).body.mustChangePassword, true);
        assertPasswordChangeRequired(await session.get('/api/v1/tasks'));
        assert.equal((await t.admin.get(`/api/v1/users/${monaId}`)).body.mustChangePassword, true);
      });

      it('lifts it once the user changes their own password', async () => {
        const changed = await session.put('/api/v1/me/password', {
          currentPassword: passwordOf('mona'),
          newPassword,
        });
        assert.equal(changed.status, 204, JSON.stringify(changed.body));
        assert.equal((await session.get('/api/v1/me')).status, 401, 'the change ends sessions');
        session = await t.login('mona', newPassword);
        assert.equal((await session.get('/api/v1/me')).body.mustChangePassword, false);
        assert.equal((await session.get('/api/v1/tasks')).status, 200);
        assert.equal((await t.admin.get(`/api/v1/users/${monaId}`)).body.mustChangePassword, false);
      });

      it('comes back when an administrator sets it, for sessions and tokens alike', async () => {
        const created = await session.post('/api/v1/tokens', { name: 'before the reset' });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const token = new ApiClient(t.app, { authorization: `Bearer ${created.body.token}` });
        assert.equal((await token.get('/api/v1/tasks')).status, 200);

        const set = await t.admin.patch(`/api/v1/users/${monaId}`, { mustChangePassword: true });
        assert.equal(set.status, 200, JSON.stringify(set.body));
        assert.equal(set.body.mustChangePassword, true);
        assertPasswordChangeRequired(await session.get('/api/v1/tasks'));
        assertPasswordChangeRequired(await token.get('/api/v1/tasks'));
        assert.equal((await token.get('/api/v1/me')).body.mustChangePassword, true);
        assert.equal((await session.delete('/api/v1/session')).status, 204, 'may log out');
      });
    });

    describe('deleting a user who owns tasks', () => {
      let bobId: string;
      let usersOnly: ApiClient;

      before(async () => {
        bobId = (await t.user('bob')).id;
        usersOnly = (await t.user('useronly', ['taskplanner', 'users.manage'])).client;
      });

      /** A user owning two new tasks. */
      async function ownerOfTwo(login: string): Promise<{ id: string; tasks: string[] }> {
        const { id, client } = await t.user(login);
        const tasks = [
          await createTask(client, { name: `${login} one` }),
          await createTask(client, { name: `${login} two` }),
        ].sort();
        return { id, tasks };
      }

      async function assertUnchanged(owner: { id: string; tasks: string[] }): Promise<void> {
        assert.equal((await t.admin.get(`/api/v1/users/${owner.id}`)).status, 200);
        assert.deepEqual(await tasksOwnedBy(t.admin, owner.id), owner.tasks);
      }

      it('refuses, changing nothing, without a choice, with a bad choice, or without taskplanner.admin', async () => {
        const alice = await ownerOfTwo('alice');
        const carlId = (await t.user('carl')).id;
        assert.equal((await t.admin.post(`/api/v1/users/${carlId}/disable`)).status, 200);

        const plain = await t.admin.delete(`/api/v1/users/${alice.id}`);
        assert.equal(plain.status, 409, JSON.stringify(plain.body));
        assert.equal(plain.body.code, 'USER_OWNS_TASKS');
        const refusals: Array<[string, string]> = [
          [`to=${bobId}`, '/tasks'],
          ['tasks=transfer', '/to'],
          [`tasks=delete&to=${bobId}`, '/to'],
          [`tasks=transfer&to=${alice.id}`, '/to'],
        ];
        for (const [query, path] of refusals) {
          const refused = await t.admin.delete(`/api/v1/users/${alice.id}?${query}`);
          assert.equal(refused.status, 400, `${query}: ${JSON.stringify(refused.body)}`);
          assert.equal(refused.body.errors[0].path, path, query);
        }
        const disabled = await t.admin.delete(
          `/api/v1/users/${alice.id}?tasks=transfer&to=${carlId}`,
        );
        assert.equal(disabled.status, 400, JSON.stringify(disabled.body));
        assert.deepEqual(disabled.body.errors[0], {
          in: 'query',
          path: '/to',
          message: 'is not an enabled user',
        });
        const missing = await t.admin.delete(`/api/v1/users/${alice.id}?tasks=transfer&to=nobody`);
        assert.equal(missing.status, 400, JSON.stringify(missing.body));
        assert.equal(missing.body.errors[0].path, '/to');
        // A user who owns nothing is not deleted towards a missing user either.
        const carefree = (await t.user('carefree')).id;
        const toNobody = await t.admin.delete(`/api/v1/users/${carefree}?tasks=transfer&to=nobody`);
        assert.equal(toNobody.status, 400, JSON.stringify(toNobody.body));
        assert.equal((await t.admin.get(`/api/v1/users/${carefree}`)).status, 200);

        assert.equal(
          (await usersOnly.delete(`/api/v1/users/${alice.id}`)).body.code,
          'USER_OWNS_TASKS',
        );
        for (const query of ['tasks=delete', `tasks=transfer&to=${bobId}`]) {
          const forbidden = await usersOnly.delete(`/api/v1/users/${alice.id}?${query}`);
          assert.equal(forbidden.status, 403, `${query}: ${JSON.stringify(forbidden.body)}`);
          assert.match(forbidden.body.detail, /taskplanner\.admin/);
        }
        await assertUnchanged(alice);
        assert.deepEqual(await tasksOwnedBy(t.admin, carlId), []);
      });

      it('gives every task to another user, then deletes the user', async () => {
        const alma = await ownerOfTwo('alma');
        const bobBefore = await tasksOwnedBy(t.admin, bobId);
        const deleted = await t.admin.delete(`/api/v1/users/${alma.id}?tasks=transfer&to=${bobId}`);
        assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
        assert.equal((await t.admin.get(`/api/v1/users/${alma.id}`)).status, 404);
        assert.deepEqual(await tasksOwnedBy(t.admin, bobId), [...bobBefore, ...alma.tasks].sort());
        const event = await deletionEvent(t.admin, alma.id);
        assert.deepEqual(event.details, {
          login: 'alma',
          tasks: 'transfer',
          taskCount: 2,
          tasksTo: bobId,
        });
      });

      it('deletes every task with the user', async () => {
        const dora = await ownerOfTwo('dora');
        const deleted = await t.admin.delete(`/api/v1/users/${dora.id}?tasks=delete`);
        assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
        assert.equal((await t.admin.get(`/api/v1/users/${dora.id}`)).status, 404);
        for (const taskId of dora.tasks) {
          assert.equal((await t.admin.get(`/api/v1/tasks/${taskId}`)).status, 404, taskId);
        }
        const event = await deletionEvent(t.admin, dora.id);
        assert.deepEqual(event.details, { login: 'dora', tasks: 'delete', taskCount: 2 });
      });

      it('transfers nothing when the caller lacks a permission one of the tasks reaches', async () => {
        const { id, client } = await t.user('erik', ['taskplanner', 'job.http']);
        // Tasks are disposed of in id order: one that transfers before the refused one shows
        // that the refusal undoes it. Ids are random, so the refused one is made again until a
        // plain task sorts before it (each try succeeds with odds of 5 in 6).
        const plain: string[] = [];
        for (let n = 0; n < 5; n++)
          plain.push(await createTask(client, { name: `erik plain ${n}` }));
        let fetching = '';
        for (let attempt = 0; attempt < 20 && !plain.some((task) => task < fetching); attempt++) {
          if (fetching)
            assert.equal((await client.delete(`/api/v1/tasks/${fetching}`)).status, 204);
          fetching = await createTask(client, {
            name: 'erik fetch',
            jobs: [{ id: 'fetch', kind: 'http', config: { url: 'http://127.0.0.1:9/report' } }],
          });
        }
        assert.ok(
          plain.some((task) => task < fetching),
          'a task is transferred first',
        );
        const tasks = [fetching, ...plain].sort();
        // Erik keeps the task but no longer the permission, so the deputy may manage him.
        await t.admin.patch(`/api/v1/users/${id}`, { permissions: ['taskplanner'] });
        const { client: deputy } = await t.user('deputy', [
          'taskplanner',
          'taskplanner.admin',
          'users.manage',
        ]);
        const refused = await deputy.delete(`/api/v1/users/${id}?tasks=transfer&to=${bobId}`);
        assert.equal(refused.status, 403, JSON.stringify(refused.body));
        assert.match(refused.body.detail, /job\.http/);
        await assertUnchanged({ id, tasks });
      });
    });
  });

  describe(
    `a planner made with the Planners role on ${backend.name}`,
    { skip: backend.skip },
    () => {
      let t: EngineApp;
      let peer: HttpPeer;
      let administrators: GroupView;
      let taskId: string;

      before(async () => {
        t = await startEngineApp(backend, 'roles-run');
        await seedRoles(t.testStore.store, t.services.catalog, t.clock.date());
        administrators = await groupNamed(t.admin, 'Administrators');
        peer = await startHttpPeer();
        peer.route('/report', answer(200, { 'content-type': 'text/plain' }, 'figures'));
      });
      after(async () => {
        await peer?.close();
        await t?.close();
      });

      it('creates and runs an HTTP task at once', async () => {
        const planners = await groupNamed(t.admin, 'Planners');
        const { client } = await createUser(t, 'pia', { groupIds: [planners.id] });
        taskId = await createTask(client, {
          name: 'fetch figures',
          jobs: [{ id: 'fetch', kind: 'http', config: { url: `${peer.url}/report` } }],
        });
        const started = await client.post(`/api/v1/tasks/${taskId}/run`);
        assert.equal(started.status, 202, JSON.stringify(started.body));
        const run = await t.ended(started.body.runId);
        assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
        assert.deepEqual(
          peer.requests.map((request) => request.url),
          ['/report'],
        );

        const grants = await client.get(`/api/v1/tasks/${taskId}/grants`);
        assert.equal(grants.status, 200, JSON.stringify(grants.body));
        assert.deepEqual(grants.body.grants, [
          {
            subject: { type: 'group', id: administrators.id },
            level: 'manage',
            name: 'Administrators',
            login: null,
          },
        ]);
      });

      it('lets members of Administrators manage the task through its rights list alone', async () => {
        const { client: ada } = await createUser(t, 'ada', { groupIds: [administrators.id] });
        const { client: otto } = await createUser(t, 'otto', {});
        assert.equal((await otto.get(`/api/v1/tasks/${taskId}`)).status, 404);
        const withoutAdmin = administrators.permissions.filter(
          (name) => name !== 'taskplanner.admin',
        );
        const narrowed = await t.admin.patch(`/api/v1/groups/${administrators.id}`, {
          permissions: withoutAdmin,
        });
        assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
        assert.ok(!(await ada.get('/api/v1/me')).body.permissions.includes('taskplanner.admin'));

        const task = await ada.get(`/api/v1/tasks/${taskId}`);
        assert.equal(task.status, 200, JSON.stringify(task.body));
        const edited = await ada.patch(`/api/v1/tasks/${taskId}`, {
          description: 'checked by ada',
          revision: task.body.revision,
        });
        assert.equal(edited.status, 200, JSON.stringify(edited.body));
        assert.equal(edited.body.description, 'checked by ada');
      });
    },
  );
}
