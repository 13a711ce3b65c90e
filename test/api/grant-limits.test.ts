import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { userCaller } from '../../src/auth/caller.ts';
import { backends } from '../support/backends.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

const MANAGER = ['taskplanner', 'users.manage', 'audit.read'];
const ADMIN_ONLY = ['taskplanner.admin', 'settings.manage', 'job.command'];

for (const backend of await backends()) {
  describe(
    `user managers reach no permission they lack, on ${backend.name}`,
    {
      skip: backend.skip,
    },
    () => {
      let t: TestApp;
      let manager: Awaited<ReturnType<TestApp['user']>>;
      let adminGroupId: string;
      /** Admin through a group only: no direct permission beyond taskplanner. */
      let groupAdmin: Awaited<ReturnType<TestApp['user']>>;

      before(async () => {
        t = await startTestApp(backend, 'grant-limits');
        manager = await t.user('manager', MANAGER);
        groupAdmin = await t.user('groupadmin', ['taskplanner']);
        const group = await t.admin.post('/api/v1/groups', {
          name: 'Administrators',
          permissions: ['taskplanner.admin', 'settings.manage'],
          memberIds: [groupAdmin.id],
        });
        adminGroupId = group.body.id;
      });
      after(async () => {
        await t?.close();
      });

      const permissionsOf = async (userId: string) =>
        [...(await t.services.store.users.effectivePermissions(userId))].sort();

      it('cannot create a group with permissions it lacks, even without members', async () => {
        const before = (await t.admin.get('/api/v1/groups')).body.items.length;
        const created = await manager.client.post('/api/v1/groups', {
          name: 'Escalation',
          permissions: ADMIN_ONLY,
          memberIds: [manager.id],
        });
        assert.equal(created.status, 403);
        assert.equal(created.body.code, 'FORBIDDEN');
        assert.match(
          created.body.detail,
          /'job\.command', 'settings\.manage', 'taskplanner\.admin'/,
        );
        assert.equal((await t.admin.get('/api/v1/groups')).body.items.length, before);
        assert.deepEqual(await permissionsOf(manager.id), [...MANAGER].sort());
      });

      it('cannot join, rename or delete a group that grants what it lacks', async () => {
        const join = await manager.client.patch(`/api/v1/groups/${adminGroupId}`, {
          memberIds: [groupAdmin.id, manager.id],
        });
        assert.equal(join.status, 403);
        const rename = await manager.client.patch(`/api/v1/groups/${adminGroupId}`, {
          name: 'Nobody',
        });
        assert.equal(rename.status, 403);
        assert.equal((await manager.client.delete(`/api/v1/groups/${adminGroupId}`)).status, 403);
        const group = (await t.admin.get(`/api/v1/groups/${adminGroupId}`)).body;
        assert.equal(group.name, 'Administrators');
        assert.deepEqual(group.memberIds, [groupAdmin.id]);
        assert.ok(!(await permissionsOf(manager.id)).includes('taskplanner.admin'));
      });

      it('cannot give a group it may change a permission it lacks', async () => {
        const own = await manager.client.post('/api/v1/groups', {
          name: 'Auditors',
          permissions: ['audit.read'],
        });
        assert.equal(own.status, 201);
        const raised = await manager.client.patch(`/api/v1/groups/${own.body.id}`, {
          permissions: ['audit.read', 'taskplanner.admin'],
          memberIds: [manager.id],
        });
        assert.equal(raised.status, 403);
        const group = (await t.admin.get(`/api/v1/groups/${own.body.id}`)).body;
        assert.deepEqual(group.permissions, ['audit.read']);
        assert.deepEqual(group.memberIds, []);
      });

      it('manages groups and members within its own permissions', async () => {
        const planner = await t.user('plainplanner', ['taskplanner']);
        const group = await manager.client.post('/api/v1/groups', {
          name: 'Readers',
          permissions: ['audit.read'],
          memberIds: [planner.id],
        });
        assert.equal(group.status, 201);
        assert.deepEqual(await permissionsOf(planner.id), ['audit.read', 'taskplanner']);
        const emptied = await manager.client.patch(`/api/v1/groups/${group.body.id}`, {
          memberIds: [],
        });
        assert.equal(emptied.status, 200);
        assert.equal((await manager.client.delete(`/api/v1/groups/${group.body.id}`)).status, 204);
      });

      it('cannot add to or remove from any group a member who holds more than it', async () => {
        const group = await manager.client.post('/api/v1/groups', { name: 'Harmless' });
        const add = await manager.client.patch(`/api/v1/groups/${group.body.id}`, {
          memberIds: [groupAdmin.id],
        });
        assert.equal(add.status, 403);
        assert.match(add.body.detail, /groupadmin holds 'settings\.manage', 'taskplanner\.admin'/);
        const withAdmin = await t.admin.patch(`/api/v1/groups/${group.body.id}`, {
          memberIds: [groupAdmin.id],
        });
        assert.equal(withAdmin.status, 200);
        const remove = await manager.client.patch(`/api/v1/groups/${group.body.id}`, {
          memberIds: [],
        });
        assert.equal(remove.status, 403);
        assert.equal((await manager.client.delete(`/api/v1/groups/${group.body.id}`)).status, 403);
        const created = await manager.client.post('/api/v1/groups', {
          name: 'WithAdmin',
          memberIds: [groupAdmin.id],
        });
        assert.equal(created.status, 403);
      });

      it('cannot reset the password of, disable, change or delete a user who is admin through a group', async () => {
        const path = `/api/v1/users/${groupAdmin.id}`;
        const reset = await manager.client.patch(path, { password: 'taken-over-password' });
        assert.equal(reset.status, 403);
        assert.match(reset.body.detail, /groupadmin holds/);
        assert.equal((await manager.client.post(`${path}/disable`)).status, 403);
        assert.equal((await manager.client.patch(path, { login: 'renamed' })).status, 403);
        const me = (await t.services.store.users.get(manager.id))!;
        await assert.rejects(
          t.services.users.changePermissions(
            userCaller(me, new Set(MANAGER), 'test'),
            groupAdmin.id,
            {
              grant: ['audit.read'],
              revoke: [],
            },
          ),
          /groupadmin holds/,
        );
        assert.equal((await manager.client.delete(path)).status, 403);
        await t.login('groupadmin', passwordOf('groupadmin'));
        await assert.rejects(t.login('groupadmin', 'taken-over-password'));
        const after = (await t.admin.get(path)).body;
        assert.equal(after.login, 'groupadmin');
        assert.equal(after.disabled, false);
      });

      it('cannot join a group that opens a data source it may not query', async () => {
        const folder = mkdtempSync(join(tmpdir(), 'tp-grant-source-'));
        const file = join(folder, 'finance.db');
        new Database(file).close();
        try {
          const finance = await t.admin.post('/api/v1/groups', { name: 'Finance' });
          const source = await t.admin.post('/api/v1/data-sources', {
            name: 'finance',
            kind: 'sqlite',
            location: file,
            access: { everyone: false, userIds: [], groupIds: [finance.body.id] },
          });
          assert.equal(source.status, 201, JSON.stringify(source.body));
          const joined = await manager.client.patch(`/api/v1/groups/${finance.body.id}`, {
            memberIds: [manager.id],
          });
          assert.equal(joined.status, 403);
          assert.match(joined.body.detail, /may query the data source 'finance'/);
          assert.deepEqual(
            (await t.admin.get(`/api/v1/groups/${finance.body.id}`)).body.memberIds,
            [],
          );
          const byAdmin = await t.admin.patch(`/api/v1/groups/${finance.body.id}`, {
            memberIds: [manager.id],
          });
          assert.equal(byAdmin.status, 200, 'whoever may query it may open it');
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      });

      it('cannot make a token for a user who holds more than it', async () => {
        const me = (await t.services.store.users.get(manager.id))!;
        const caller = userCaller(me, new Set(MANAGER), '127.0.0.1');
        await assert.rejects(
          t.services.tokens.create(caller, groupAdmin.id, { name: 'backdoor' }),
          (error: Error & { code?: string }) => error.code === 'FORBIDDEN',
        );
        assert.deepEqual(await t.services.store.apiTokens.listForUser(groupAdmin.id), []);
      });

      it("revokes a user's API tokens when someone else resets their password, not when they change it", async () => {
        const target = await t.user('tokenholder', ['taskplanner']);
        const token = (await target.client.post('/api/v1/tokens', { name: 'ci' })).body.token;
        const bearer = { authorization: `Bearer ${token as string}` };
        const asToken = () => t.app.inject({ url: '/api/v1/me', headers: bearer });
        const changed = await target.client.put('/api/v1/me/password', {
          currentPassword: passwordOf('tokenholder'),
          newPassword: 'own-new-choice-2',
        });
        assert.equal(changed.status, 204);
        assert.equal((await asToken()).statusCode, 200, 'own change keeps tokens');
        const reset = await manager.client.patch(`/api/v1/users/${target.id}`, {
          password: 'reset-by-manager-1',
        });
        assert.equal(reset.status, 200);
        assert.equal((await asToken()).statusCode, 401, 'a reset revokes tokens');
        const audit = await t.admin.get(`/api/v1/audit?objectId=${target.id}&limit=1`);
        assert.equal(audit.body.items[0].details.tokensRevoked, 1);
      });
    },
  );
}
