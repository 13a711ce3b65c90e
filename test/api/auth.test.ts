import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { ADMIN_PASSWORD, passwordOf, startTestApp, type TestApp } from '../support/test-app.ts';

function basic(login: string, secret: string): string {
  return `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`;
}

for (const backend of await backends()) {
  describe(`authentication on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(backend, 'auth');
    });
    after(async () => {
      await t?.close();
    });

    it('answers 401 without a login, on reads and on writes', async () => {
      for (const response of [
        await t.anonymous.get('/api/v1/tasks'),
        await t.anonymous.get('/api/v1/me'),
        await t.anonymous.post('/api/v1/tasks', { name: 'x' }),
      ]) {
        assert.equal(response.status, 401);
        assert.equal(response.body.code, 'UNAUTHENTICATED');
      }
    });

    it('logs in with a password into an HttpOnly, SameSite=Lax cookie and tells who you are', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { login: 'ADMIN', password: ADMIN_PASSWORD },
      });
      assert.equal(response.statusCode, 200);
      const cookie = response.cookies.find((each) => each.name === 'taskplanner_session');
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      const me = await t.admin.get('/api/v1/me');
      assert.equal(me.body.login, 'admin');
      assert.deepEqual(me.body.can, {
        usePlanner: true,
        administerTasks: true,
        manageUsers: true,
        manageSettings: true,
        manageMail: true,
      });
      assert.equal(me.body.authenticatedBy, 'session');
      assert.equal(typeof me.body.csrfToken, 'string');
    });

    it('refuses a wrong password with 401 and no cookie', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { login: 'admin', password: 'wrong-password' },
      });
      assert.equal(response.statusCode, 401);
      assert.equal(JSON.parse(response.body).code, 'INVALID_CREDENTIALS');
      assert.equal(response.cookies.length, 0);
    });

    it('throttles repeated failed logins, then refuses even the right password for a while', async () => {
      await t.user('guessed');
      const attempt = (password: string) =>
        t.anonymous.post('/api/v1/session', { login: 'guessed', password });
      for (let i = 0; i < 5; i++) assert.equal((await attempt(`wrong-${i}-pass`)).status, 401);
      const locked = await attempt(passwordOf('guessed'));
      assert.equal(locked.status, 429);
      assert.equal(locked.body.code, 'TOO_MANY_ATTEMPTS');
      assert.ok(Number(locked.headers['retry-after']) >= 1);
    });

    it('throttles guesses sent in parallel, so only the free failures are even tried', async () => {
      await t.user('parallel');
      const guesses = Array.from({ length: 20 }, (_, i) =>
        new ApiClient(t.app, { authorization: basic('parallel', `guess-${i}-wrong`) }).get(
          '/api/v1/me',
        ),
      );
      const statuses = (await Promise.all(guesses)).map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 401).length, 5);
      assert.equal(statuses.filter((status) => status === 429).length, 15);
      const right = new ApiClient(t.app, {
        authorization: basic('parallel', passwordOf('parallel')),
      });
      assert.equal(
        (await right.get('/api/v1/me')).status,
        429,
        'locked, even for the right password',
      );
    });

    it('answers 401 before looking at the body, and 403 before 400 without the planner', async () => {
      for (const url of ['/api/v1/tasks', '/api/v1/users', '/api/v1/groups', '/api/v1/tokens']) {
        const anonymous = await t.anonymous.post(url, { bogus: true });
        assert.equal(anonymous.status, 401, url);
      }
      const { client } = await t.user('noplanner', []);
      const forbidden = await client.post('/api/v1/tasks', { bogus: true });
      assert.equal(forbidden.status, 403);
    });

    it('demands the CSRF token for cookie-authenticated changes, and changes nothing without it', async () => {
      const { client } = await t.user('csrfuser');
      const cookieOnly = new ApiClient(t.app, {
        cookie: (client as unknown as { auth: { cookie: string } }).auth.cookie,
      });
      const refused = await cookieOnly.post('/api/v1/tasks', { name: 'forged' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'CSRF_TOKEN_INVALID');
      const list = await client.get('/api/v1/tasks');
      assert.equal(list.body.items.length, 0);
      assert.equal((await client.post('/api/v1/tasks', { name: 'genuine' })).status, 201);
    });

    it('ends the session on logout', async () => {
      const { client } = await t.user('leaver');
      const me = await client.get('/api/v1/me');
      assert.equal(me.status, 200);
      assert.equal((await client.delete('/api/v1/session')).status, 204);
      assert.equal((await client.get('/api/v1/me')).status, 401);
      const events = await t.testStore.store.audit.list({ actorId: me.body.id, limit: 10 });
      assert.deepEqual(events.items.map((event) => event.action).slice(0, 2), [
        'user.logout',
        'user.login',
      ]);
    });

    it('answers 403 to a user without the taskplanner permission', async () => {
      const { client } = await t.user('outsider', []);
      assert.equal((await client.get('/api/v1/me')).status, 200);
      for (const response of [
        await client.get('/api/v1/tasks'),
        await client.post('/api/v1/tasks', { name: 'x' }),
      ]) {
        assert.equal(response.status, 403);
        assert.equal(response.body.code, 'FORBIDDEN');
      }
    });

    it('checks permissions on every request, so a revoked permission takes effect at once', async () => {
      const { id, client } = await t.user('revoked');
      assert.equal((await client.get('/api/v1/tasks')).status, 200);
      await t.admin.patch(`/api/v1/users/${id}`, { permissions: [] });
      assert.equal((await client.get('/api/v1/tasks')).status, 403);
    });

    it('grants permissions through groups', async () => {
      const { id, client } = await t.user('grouped', []);
      const now = new Date();
      await t.testStore.store.groups.insert(
        {
          id: 'g-planners',
          name: 'Planners',
          permissions: ['taskplanner'],
          memberIds: [id],
          usableInSeries: false,
          role: false,
          description: '',
        },
        now,
      );
      assert.equal((await client.get('/api/v1/tasks')).status, 200);
    });

    it('creates an API token shown once, which works as Bearer until revoked', async () => {
      const { client } = await t.user('tokenuser');
      const created = await client.post('/api/v1/tokens', { name: 'ci' });
      assert.equal(created.status, 201);
      assert.match(created.body.token, /^tpat_/);
      const bearer = new ApiClient(t.app, { authorization: `Bearer ${created.body.token}` });
      const me = await bearer.get('/api/v1/me');
      assert.equal(me.body.login, 'tokenuser');
      assert.equal(me.body.authenticatedBy, 'token');
      assert.equal(
        (await bearer.post('/api/v1/tasks', { name: 'via token' })).status,
        201,
        'no CSRF token needed',
      );

      const listed = await client.get('/api/v1/tokens');
      assert.equal(listed.body.items.length, 1);
      assert.equal(listed.body.items[0].token, undefined, 'the secret is never listed');
      assert.ok(listed.body.items[0].lastUsedAt, 'last use is recorded');
      assert.ok(created.body.token.startsWith(listed.body.items[0].prefix));

      assert.equal((await client.delete(`/api/v1/tokens/${created.body.id}`)).status, 204);
      const revoked = await bearer.get('/api/v1/me');
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.code, 'UNAUTHENTICATED');
    });

    it('does not let one user list or revoke another user’s token', async () => {
      const { client: owner } = await t.user('tokenowner');
      const { client: other } = await t.user('tokenthief');
      const created = (await owner.post('/api/v1/tokens', { name: 'mine' })).body;
      assert.equal((await other.get('/api/v1/tokens')).body.items.length, 0);
      assert.equal((await other.delete(`/api/v1/tokens/${created.id}`)).status, 404);
      const bearer = new ApiClient(t.app, { authorization: `Bearer ${created.token}` });
      assert.equal((await bearer.get('/api/v1/me')).status, 200);
    });

    it('refuses a garbage or expired token', async () => {
      const { client } = await t.user('expiring');
      const past = await client.post('/api/v1/tokens', {
        name: 'old',
        expiresAt: '2000-01-01T00:00:00Z',
      });
      assert.equal(past.status, 400);
      for (const header of ['Bearer nonsense', 'Bearer tpat_forged', 'Token abc']) {
        const response = await new ApiClient(t.app, { authorization: header }).get('/api/v1/me');
        assert.equal(response.status, 401, header);
      }
    });

    it('accepts HTTP Basic with the password or with an API token', async () => {
      const { client } = await t.user('basicuser');
      const withPassword = new ApiClient(t.app, {
        authorization: basic('basicuser', passwordOf('basicuser')),
      });
      assert.equal((await withPassword.get('/api/v1/me')).body.authenticatedBy, 'basic');
      const token = (await client.post('/api/v1/tokens', { name: 'basic' })).body.token as string;
      const withToken = new ApiClient(t.app, { authorization: basic('basicuser', token) });
      assert.equal((await withToken.get('/api/v1/me')).status, 200);
      const wrongUser = new ApiClient(t.app, { authorization: basic('admin', token) });
      assert.equal((await wrongUser.get('/api/v1/me')).status, 401);
      const wrong = new ApiClient(t.app, { authorization: basic('basicuser', 'not-the-password') });
      assert.equal((await wrong.get('/api/v1/me')).status, 401);
    });

    it('stops sessions and tokens of a disabled user', async () => {
      const { id, client } = await t.user('disabled');
      const token = (await client.post('/api/v1/tokens', { name: 't' })).body.token as string;
      assert.equal((await t.admin.post(`/api/v1/users/${id}/disable`)).status, 200);
      assert.equal((await client.get('/api/v1/me')).status, 401);
      assert.equal(
        (await new ApiClient(t.app, { authorization: `Bearer ${token}` }).get('/api/v1/me')).status,
        401,
      );
      const login = await t.anonymous.post('/api/v1/session', {
        login: 'disabled',
        password: passwordOf('disabled'),
      });
      assert.equal(login.status, 401);
    });
  });
}

describe('session lifetime', () => {
  it('ends a session after the configured hours without use, and extends it with use', async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const t = await startTestApp(sqlite, 'lifetime', {
      services: { sessionHours: 1 },
      now: () => new Date(now),
    });
    try {
      now += 50 * 60_000;
      assert.equal((await t.admin.get('/api/v1/me')).status, 200, 'used after 50 minutes');
      now += 50 * 60_000;
      assert.equal((await t.admin.get('/api/v1/me')).status, 200, 'still alive: use extended it');
      now += 61 * 60_000;
      assert.equal((await t.admin.get('/api/v1/me')).status, 401, 'expired after an idle hour');
    } finally {
      await t.close();
    }
  });
});

describe('HTTP Basic switched off', () => {
  it('refuses Basic credentials with a message saying so', async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    const t = await startTestApp(sqlite, 'nobasic', { services: { httpBasic: false } });
    try {
      const response = await new ApiClient(t.app, {
        authorization: basic('admin', ADMIN_PASSWORD),
      }).get('/api/v1/me');
      assert.equal(response.status, 401);
      assert.match(response.body.detail, /switched off/);
    } finally {
      await t.close();
    }
  });
});
