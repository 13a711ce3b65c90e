// GET /me says where the caller's permissions come from: granted directly, or through which
// groups (roles first), as the Account page shows them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

/** A group of the /me answer. */
interface MeGroup {
  id: string;
  name: string;
  role: boolean;
  permissions: string[];
}

/** The id and permissions of a group, as the admin lists it. */
async function groupNamed(
  t: TestApp,
  name: string,
): Promise<{ id: string; permissions: string[] }> {
  const listed = await t.admin.get('/api/v1/groups');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const group = listed.body.items.find((each: { name: string }) => each.name === name);
  assert.ok(group, `no group ${name}`);
  return group;
}

async function meOf(client: ApiClient): Promise<any> {
  const me = await client.get('/api/v1/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return me.body;
}

for (const backend of await backends()) {
  describe(
    `where /me says permissions come from, on ${backend.name}`,
    { skip: backend.skip },
    () => {
      let t: TestApp;
      let planners: { id: string; permissions: string[] };

      before(async () => {
        t = await startTestApp(backend, 'me-account', { roles: true });
        planners = await groupNamed(t, 'Planners');
      });
      after(async () => {
        await t?.close();
      });

      it('lists a user made in a role with no permissions of their own, only the role', async () => {
        const created = await t.admin.post('/api/v1/users', {
          login: 'rhea',
          password: passwordOf('rhea'),
          groupIds: [planners.id],
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const me = await meOf(await t.login('rhea', passwordOf('rhea')));
        assert.deepEqual(me.directPermissions, []);
        assert.deepEqual(me.groups, [
          { id: planners.id, name: 'Planners', role: true, permissions: planners.permissions },
        ]);
        assert.deepEqual(me.permissions, planners.permissions, 'all of them through the role');
      });

      it('lists direct permissions and every group the user is in, roles first, and no other group', async () => {
        const { id, client } = await t.user('dora', ['taskplanner', 'job.command']);
        const auditors = await t.admin.post('/api/v1/groups', {
          name: 'Auditors',
          permissions: ['audit.read'],
          memberIds: [id],
        });
        assert.equal(auditors.status, 201, JSON.stringify(auditors.body));
        const other = await t.admin.post('/api/v1/groups', { name: 'Bystanders' });
        assert.equal(other.status, 201, JSON.stringify(other.body));
        const joined = await t.admin.patch(`/api/v1/groups/${planners.id}`, {
          memberIds: [id],
        });
        assert.equal(joined.status, 200, JSON.stringify(joined.body));

        const me = await meOf(client);
        assert.deepEqual(me.directPermissions, ['job.command', 'taskplanner']);
        assert.deepEqual(
          me.groups.map((group: MeGroup) => [group.name, group.role]),
          [
            ['Planners', true],
            ['Auditors', false],
          ],
        );
        assert.deepEqual(me.groups[1].permissions, ['audit.read']);
        const union = new Set([...me.directPermissions, ...planners.permissions, 'audit.read']);
        assert.deepEqual(me.permissions, [...union].sort());
      });

      it('drops a group the user has left, with the permissions only it gave', async () => {
        const { id, client } = await t.user('lena', ['taskplanner']);
        const group = await t.admin.post('/api/v1/groups', {
          name: 'Readers of the log',
          permissions: ['audit.read'],
          memberIds: [id],
        });
        assert.equal(group.status, 201, JSON.stringify(group.body));
        assert.deepEqual(
          (await meOf(client)).groups.map((each: MeGroup) => each.name),
          ['Readers of the log'],
        );
        const left = await t.admin.patch(`/api/v1/groups/${group.body.id}`, { memberIds: [] });
        assert.equal(left.status, 200, JSON.stringify(left.body));
        const me = await meOf(client);
        assert.deepEqual(me.groups, []);
        assert.deepEqual(me.permissions, ['taskplanner']);
      });

      it('tells a user who must change their password where their permissions come from too', async () => {
        const created = await t.admin.post('/api/v1/users', {
          login: 'mira',
          password: passwordOf('mira'),
          groupIds: [planners.id],
          mustChangePassword: true,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const client = await t.login('mira', passwordOf('mira'));
        assert.equal((await client.get('/api/v1/tasks')).body.code, 'PASSWORD_CHANGE_REQUIRED');
        const me = await meOf(client);
        assert.equal(me.mustChangePassword, true);
        assert.deepEqual(
          me.groups.map((group: MeGroup) => group.name),
          ['Planners'],
        );
      });
    },
  );
}
