import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

for (const backend of await backends()) {
  describe(`groups API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(backend, 'groups');
    });
    after(async () => {
      await t?.close();
    });

    it('gives members the permissions of their group, and takes them away with it', async () => {
      const { id, client } = await t.user('member', []);
      assert.equal((await client.get('/api/v1/tasks')).status, 403);
      const group = await t.admin.post('/api/v1/groups', {
        name: 'Planners',
        permissions: ['taskplanner'],
        memberIds: [id],
      });
      assert.equal(group.status, 201);
      assert.deepEqual(group.body.memberIds, [id]);
      assert.equal((await client.get('/api/v1/tasks')).status, 200);
      assert.deepEqual((await client.get('/api/v1/me')).body.permissions, ['taskplanner']);
      assert.equal(
        (await t.admin.patch(`/api/v1/groups/${group.body.id}`, { memberIds: [] })).status,
        200,
      );
      assert.equal((await client.get('/api/v1/tasks')).status, 403);
    });

    it('renames, lists and deletes groups; a taken name is a 409', async () => {
      const first = (await t.admin.post('/api/v1/groups', { name: 'Finance' })).body;
      await t.admin.post('/api/v1/groups', { name: 'Sales' });
      const clash = await t.admin.patch(`/api/v1/groups/${first.id}`, { name: 'SALES' });
      assert.equal(clash.status, 409);
      assert.equal(clash.body.code, 'NAME_TAKEN');
      assert.equal(
        (await t.admin.get(`/api/v1/groups/${first.id}`)).body.name,
        'Finance',
        'unchanged',
      );
      const duplicate = await t.admin.post('/api/v1/groups', { name: 'finance' });
      assert.equal(duplicate.status, 409);
      const renamed = await t.admin.patch(`/api/v1/groups/${first.id}`, { name: 'Accounting' });
      assert.equal(renamed.body.name, 'Accounting');
      const names = (await t.admin.get('/api/v1/groups')).body.items.map(
        (group: { name: string }) => group.name,
      );
      assert.ok(names.includes('Accounting') && names.includes('Sales'));
      assert.equal((await t.admin.delete(`/api/v1/groups/${first.id}`)).status, 204);
      assert.equal((await t.admin.get(`/api/v1/groups/${first.id}`)).status, 404);
    });

    it('rejects unknown permissions and members, creating nothing', async () => {
      const before = (await t.admin.get('/api/v1/groups')).body.items.length;
      const permission = await t.admin.post('/api/v1/groups', {
        name: 'Bad',
        permissions: ['root'],
      });
      assert.equal(permission.status, 400);
      assert.equal(permission.body.errors[0].path, '/permissions/0');
      const member = await t.admin.post('/api/v1/groups', {
        name: 'Bad',
        memberIds: ['no-such-user'],
      });
      assert.equal(member.status, 400);
      assert.equal(member.body.errors[0].path, '/memberIds/0');
      assert.equal((await t.admin.get('/api/v1/groups')).body.items.length, before);
    });

    it('is for holders of users.manage only', async () => {
      const { client } = await t.user('nomanager');
      assert.equal((await client.get('/api/v1/groups')).status, 403);
      assert.equal(
        (await client.post('/api/v1/groups', { name: 'Mine', permissions: ['taskplanner.admin'] }))
          .status,
        403,
      );
    });

    it('audits group changes with permissions before and after', async () => {
      const group = (await t.admin.post('/api/v1/groups', { name: 'Audited' })).body;
      await t.admin.patch(`/api/v1/groups/${group.id}`, { permissions: ['taskplanner'] });
      const events = (
        await t.testStore.store.audit.list({ objectType: 'group', objectId: group.id, limit: 10 })
      ).items;
      assert.deepEqual(events.map((event) => event.action).reverse(), [
        'group.create',
        'group.update',
      ]);
      assert.deepEqual(events[0]?.details.permissions, { before: [], after: ['taskplanner'] });
    });
  });
}
