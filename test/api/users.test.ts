import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

for (const backend of await backends()) {
  describe(`users API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(backend, 'users');
    });
    after(async () => {
      await t?.close();
    });

    it('lets a user manager create, get, list and update users', async () => {
      const created = await t.admin.post('/api/v1/users', {
        login: 'carol',
        password: 'cedar-window-31',
        displayName: 'Carol C',
        email: 'carol@example.com',
        permissions: ['taskplanner'],
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.passwordHash, undefined);
      assert.deepEqual(created.body.permissions, ['taskplanner']);
      const fetched = await t.admin.get(`/api/v1/users/${created.body.id}`);
      assert.equal(fetched.body.email, 'carol@example.com');
      const listed = await t.admin.get('/api/v1/users?q=caro');
      assert.deepEqual(
        listed.body.items.map((user: { login: string }) => user.login),
        ['carol'],
      );
      const updated = await t.admin.patch(`/api/v1/users/${created.body.id}`, {
        displayName: 'Carol D',
        permissions: ['taskplanner', 'taskplanner.admin'],
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.displayName, 'Carol D');
      assert.deepEqual(updated.body.permissions, ['taskplanner', 'taskplanner.admin']);
    });

    it('refuses user management to users without users.manage', async () => {
      const { client } = await t.user('plainuser');
      assert.equal((await client.get('/api/v1/users')).status, 403);
      assert.equal(
        (await client.post('/api/v1/users', { login: 'x1', password: 'password-x' })).status,
        403,
      );
    });

    it('refuses a taken login in any case, an unknown permission and a short password, creating nothing', async () => {
      await t.user('dave');
      const before = (await t.admin.get('/api/v1/users?limit=500')).body.items.length;
      const taken = await t.admin.post('/api/v1/users', {
        login: 'DAVE',
        password: 'another-choice-2',
      });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.code, 'LOGIN_TAKEN');
      const unknown = await t.admin.post('/api/v1/users', {
        login: 'erin',
        password: 'maple-river-17',
        permissions: ['taskplanner', 'root'],
      });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.errors[0].path, '/permissions/1');
      const short = await t.admin.post('/api/v1/users', { login: 'frank', password: 'short' });
      assert.equal(short.status, 400);
      assert.equal(short.body.errors[0].path, '/password');
      const hostile = await t.admin.post('/api/v1/users', {
        login: '../../etc/passwd',
        password: 'password-123',
      });
      assert.equal(hostile.status, 400);
      assert.equal(hostile.body.errors[0].path, '/login');
      assert.equal((await t.admin.get('/api/v1/users?limit=500')).body.items.length, before);
    });

    it('creates only one of two users created at once with the same login', async () => {
      const attempts = await Promise.all(
        ['Kim', 'kim'].map((login) =>
          t.admin.post('/api/v1/users', { login, password: 'twin-attempt-7' }),
        ),
      );
      assert.deepEqual(attempts.map((response) => response.status).sort(), [201, 409]);
      const listed = await t.admin.get('/api/v1/users?q=kim');
      assert.equal(listed.body.items.length, 1);
    });

    it('does not let a user manager grant or touch more than they hold', async () => {
      const { client: manager } = await t.user('manager', ['taskplanner', 'users.manage']);
      const adminId = (await t.admin.get('/api/v1/me')).body.id;
      const grant = await manager.post('/api/v1/users', {
        login: 'sneaky',
        password: 'quiet-lantern-5',
        permissions: ['taskplanner.admin'],
      });
      assert.equal(grant.status, 403);
      assert.match(grant.body.detail, /taskplanner\.admin/);
      const { id: plain } = await t.user('plain');
      assert.equal(
        (await manager.patch(`/api/v1/users/${plain}`, { permissions: ['taskplanner.admin'] }))
          .status,
        403,
      );
      assert.equal(
        (await manager.patch(`/api/v1/users/${adminId}`, { password: 'taken-over-1' })).status,
        403,
      );
      assert.equal((await manager.post(`/api/v1/users/${adminId}/disable`)).status, 403);
      assert.equal(
        (await manager.patch(`/api/v1/users/${plain}`, { displayName: 'Plain P' })).status,
        200,
      );
      assert.equal(
        (await t.anonymous.post('/api/v1/session', { login: 'admin', password: 'taken-over-1' }))
          .status,
        401,
      );
    });

    it('disables and re-enables a user', async () => {
      const { id } = await t.user('gina');
      const disabled = await t.admin.post(`/api/v1/users/${id}/disable`);
      assert.equal(disabled.body.disabled, true);
      assert.equal(
        (await t.anonymous.post('/api/v1/session', { login: 'gina', password: passwordOf('gina') }))
          .status,
        401,
      );
      await t.admin.post(`/api/v1/users/${id}/enable`);
      assert.equal(
        (await t.anonymous.post('/api/v1/session', { login: 'gina', password: passwordOf('gina') }))
          .status,
        200,
      );
    });

    it('refuses to delete a user who owns tasks, and deletes one who owns none', async () => {
      const { id, client } = await t.user('henry');
      const task = (await client.post('/api/v1/tasks', { name: 'henry task' })).body;
      const refused = await t.admin.delete(`/api/v1/users/${id}`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'USER_OWNS_TASKS');
      await client.delete(`/api/v1/tasks/${task.id}`);
      assert.equal((await t.admin.delete(`/api/v1/users/${id}`)).status, 204);
      assert.equal((await t.admin.get(`/api/v1/users/${id}`)).status, 404);
      assert.equal((await client.get('/api/v1/me')).status, 401);
    });

    it('does not let an administrator disable or delete their own account', async () => {
      const me = (await t.admin.get('/api/v1/me')).body;
      assert.equal((await t.admin.post(`/api/v1/users/${me.id}/disable`)).status, 403);
      assert.equal((await t.admin.delete(`/api/v1/users/${me.id}`)).status, 403);
    });

    it('lets users change their own password, proving the current one', async () => {
      const { client } = await t.user('ivan');
      const wrong = await client.put('/api/v1/me/password', {
        currentPassword: 'nope-nope',
        newPassword: 'fresh-orchard-42',
      });
      assert.equal(wrong.status, 401);
      const changed = await client.put('/api/v1/me/password', {
        currentPassword: passwordOf('ivan'),
        newPassword: 'fresh-orchard-42',
      });
      assert.equal(changed.status, 204);
      assert.equal(
        (await t.anonymous.post('/api/v1/session', { login: 'ivan', password: passwordOf('ivan') }))
          .status,
        401,
      );
      assert.equal(
        (
          await t.anonymous.post('/api/v1/session', {
            login: 'ivan',
            password: 'fresh-orchard-42',
          })
        ).status,
        200,
      );
    });

    it('audits user and permission changes without recording passwords', async () => {
      const { id } = await t.user('judy');
      await t.admin.patch(`/api/v1/users/${id}`, {
        permissions: ['taskplanner', 'users.manage'],
        password: 'reset-by-admin-2',
      });
      const events = (
        await t.testStore.store.audit.list({ objectType: 'user', objectId: id, limit: 10 })
      ).items;
      assert.deepEqual(events.map((event) => event.action).reverse(), [
        'user.create',
        'user.login',
        'user.update',
      ]);
      const update = events[0];
      assert.ok(update);
      assert.equal(update.actorLogin, 'admin');
      assert.deepEqual(update.details.permissions, {
        before: ['taskplanner'],
        after: ['taskplanner', 'users.manage'],
      });
      assert.equal(update.details.passwordChanged, true);
      assert.ok(!JSON.stringify(events).includes('reset-by-admin-2'));
    });
  });
}
