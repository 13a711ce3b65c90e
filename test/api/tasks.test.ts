import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const schedule = {
  kind: 'time',
  config: { start: '2026-01-05T09:00', intervals: [{ kind: 'minutes', every: 5 }] },
};

function taskBody(name: string, extra: Record<string, unknown> = {}) {
  return { name, description: `about ${name}`, triggers: [schedule], ...extra };
}

for (const backend of await backends()) {
  describe(`tasks API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let alice: ApiClient;
    let bob: ApiClient;
    let aliceId: string;

    before(async () => {
      t = await startTestApp(backend, 'tasks');
      const a = await t.user('alice');
      const b = await t.user('bob');
      alice = a.client;
      bob = b.client;
      aliceId = a.id;
    });
    after(async () => {
      await t?.close();
    });

    it('creates a task owned by the caller, enabled by default, with defaults filled in', async () => {
      const created = await alice.post('/api/v1/tasks', taskBody('Report'));
      assert.equal(created.status, 201);
      assert.equal(created.body.ownerId, aliceId);
      assert.equal(created.body.ownerLogin, 'alice');
      assert.equal(created.body.enabled, true);
      assert.equal(created.body.revision, 1);
      assert.equal(created.body.timezone, 'Europe/Berlin');
      assert.equal(created.body.policy.overlap, 'skip');
      assert.match(created.body.triggers[0].id, /^trigger-/);
      assert.deepEqual(created.body.triggers[0].config, schedule.config);
      assert.equal(created.headers.location, `/api/v1/tasks/${created.body.id}`);
      const fetched = await alice.get(`/api/v1/tasks/${created.body.id}`);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.body, created.body);
      assert.equal(fetched.headers.etag, '"1"');
    });

    it('lists only the caller’s tasks, with search, enabled filter, sorting and cursor pages', async () => {
      for (const name of ['alpha one', 'Beta two', 'gamma three'])
        await alice.post('/api/v1/tasks', taskBody(name));
      await alice.post('/api/v1/tasks', taskBody('delta off', { enabled: false }));
      await bob.post('/api/v1/tasks', taskBody('bob private'));

      const all = await alice.get('/api/v1/tasks?limit=500');
      const names = all.body.items.map((task: { name: string }) => task.name);
      assert.ok(!names.includes('bob private'));
      assert.deepEqual(
        names,
        [...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())),
      );

      const found = await alice.get('/api/v1/tasks?q=BETA');
      assert.deepEqual(
        found.body.items.map((task: { name: string }) => task.name),
        ['Beta two'],
      );
      const disabled = await alice.get('/api/v1/tasks?enabled=false');
      assert.deepEqual(
        disabled.body.items.map((task: { name: string }) => task.name),
        ['delta off'],
      );

      const seen: string[] = [];
      let url = '/api/v1/tasks?limit=2&sort=createdAt&order=desc';
      for (let page = 0; page < 10; page++) {
        const response = await alice.get(url);
        assert.equal(response.status, 200);
        seen.push(...response.body.items.map((task: { id: string }) => task.id));
        if (!response.body.nextCursor) break;
        url = `/api/v1/tasks?limit=2&sort=createdAt&order=desc&cursor=${encodeURIComponent(response.body.nextCursor)}`;
      }
      assert.equal(seen.length, all.body.items.length);
      assert.equal(new Set(seen).size, seen.length);
    });

    it('refuses NUL characters and lone surrogates anywhere, naming the field', async () => {
      const body = await alice.post('/api/v1/tasks', { name: 'a\u0000b' });
      assert.equal(body.status, 400);
      assert.equal(body.body.errors[0].path, '/name');
      const nested = await alice.post('/api/v1/tasks', {
        name: 'ok',
        triggers: [
          {
            kind: 'time',
            config: {
              start: '2026-01-01T00:00',
              timezone: 'Europe/\u0000Berlin',
              intervals: [{ kind: 'days' }],
            },
          },
        ],
      });
      assert.equal(nested.status, 400);
      assert.equal(nested.body.errors[0].path, '/triggers/0/config/timezone');
      const query = await alice.get(`/api/v1/tasks?q=${encodeURIComponent('\u0000')}`);
      assert.equal(query.status, 400);
      const login = await t.anonymous.post('/api/v1/session', {
        login: 'ali\u0000ce',
        password: 'x',
      });
      assert.equal(login.status, 400);
    });

    it('treats hostile search text as text', async () => {
      for (const q of ["'; drop table tasks; --", '%', '_', '\\']) {
        const response = await alice.get(`/api/v1/tasks?q=${encodeURIComponent(q)}`);
        assert.equal(response.status, 200, q);
        assert.deepEqual(response.body.items, [], q);
      }
      assert.ok(
        (await alice.get('/api/v1/tasks')).body.items.length > 0,
        'the tasks are still there',
      );
    });

    it('replaces with PUT and patches with PATCH when the revision matches', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('editable'))).body;
      const put = await alice.put(`/api/v1/tasks/${created.id}`, { name: 'edited', revision: 1 });
      assert.equal(put.status, 200);
      assert.equal(put.body.name, 'edited');
      assert.equal(put.body.revision, 2);
      assert.deepEqual(put.body.triggers, [], 'PUT replaces the whole definition');
      const patch = await alice.patch(
        `/api/v1/tasks/${created.id}`,
        { description: 'patched' },
        { 'if-match': '"2"' },
      );
      assert.equal(patch.status, 200);
      assert.equal(patch.body.name, 'edited');
      assert.equal(patch.body.description, 'patched');
      assert.equal(patch.body.revision, 3);
    });

    it('merges a patched policy into the stored one', async () => {
      const created = (
        await alice.post('/api/v1/tasks', taskBody('policy', { policy: { overlap: 'queue' } }))
      ).body;
      const patched = await alice.patch(`/api/v1/tasks/${created.id}`, {
        policy: { retries: 5 },
        revision: 1,
      });
      assert.equal(patched.body.policy.overlap, 'queue');
      assert.equal(patched.body.policy.retries, 5);
    });

    it('writes no new revision for a change that changes nothing', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('idle'))).body;
      const empty = await alice.patch(`/api/v1/tasks/${created.id}`, {}, { 'if-match': '"1"' });
      assert.equal(empty.status, 200);
      assert.equal(empty.body.revision, 1);
      const enabled = await alice.post(`/api/v1/tasks/${created.id}/enable`);
      assert.equal(enabled.body.revision, 1);
      assert.equal(enabled.headers.etag, '"1"');
    });

    it('refuses an If-Match that is not an entity tag with 400, changing nothing', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('tagged'))).body;
      const url = `/api/v1/tasks/${created.id}`;
      for (const malformed of [
        '1',
        '"1',
        '1"',
        "'1'",
        'W/1',
        'w/"1"',
        '"1" "2"',
        '**',
        '"1", *',
        ',',
      ]) {
        const patched = await alice.patch(url, { name: 'x' }, { 'if-match': malformed });
        assert.equal(patched.status, 400, `If-Match: ${malformed}`);
        assert.equal(patched.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(patched.body.code, 'VALIDATION_FAILED');
        assert.deepEqual(patched.body.errors, [
          {
            in: 'header',
            path: '/if-match',
            message: 'must be an entity tag such as "3" (quoted), or *',
          },
        ]);
        assert.match(patched.body.detail, /entity tag such as "3" \(quoted\)/);
      }
      const replaced = await alice.put(url, { name: 'x' }, { 'if-match': '1' });
      assert.equal(replaced.status, 400);
      const now = await alice.get(url);
      assert.equal(now.body.name, 'tagged');
      assert.equal(now.body.revision, 1);
      assert.equal(now.headers.etag, '"1"');
    });

    it('updates on the current quoted ETag and refuses a stale one with 409', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('quoted'))).body;
      const url = `/api/v1/tasks/${created.id}`;
      const first = await alice.patch(url, { name: 'first' }, { 'if-match': '"1"' });
      assert.equal(first.status, 200);
      assert.equal(first.headers.etag, '"2"');
      const replaced = await alice.put(
        url,
        { name: 'second' },
        { 'if-match': String(first.headers.etag) },
      );
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.revision, 3);
      const stale = await alice.patch(url, { name: 'stale' }, { 'if-match': '"2"' });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'REVISION_CONFLICT');
      assert.equal((await alice.get(url)).body.name, 'second');
    });

    it('reads If-Match as RFC 9110 does: *, lists, and strong comparison (a weak tag never matches)', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('listed'))).body;
      const url = `/api/v1/tasks/${created.id}`;
      const listed = await alice.patch(url, { name: 'listed 2' }, { 'if-match': ' "7" ,, "1" ' });
      assert.equal(listed.status, 200);
      assert.equal(listed.body.revision, 2);
      const weak = await alice.patch(url, { name: 'weak' }, { 'if-match': 'W/"2"' });
      assert.equal(weak.status, 409);
      assert.equal(weak.body.code, 'REVISION_CONFLICT');
      assert.match(weak.body.detail, /a weak W\/"…" never matches/);
      const foreign = await alice.patch(url, { name: 'foreign' }, { 'if-match': '"abc", "02"' });
      assert.equal(foreign.status, 409);
      const any = await alice.patch(url, { name: 'any' }, { 'if-match': '*' });
      assert.equal(any.status, 200, 'If-Match: * needs no revision');
      assert.equal(any.body.revision, 3);
      const anyStale = await alice.patch(url, { name: 'x', revision: 1 }, { 'if-match': '*' });
      assert.equal(anyStale.status, 409, 'a revision in the body still counts with *');
      const disagree = await alice.patch(url, { name: 'x', revision: 3 }, { 'if-match': '"2"' });
      assert.equal(disagree.status, 400);
      assert.equal(disagree.body.errors[0].path, '/revision');
      assert.equal((await alice.get(url)).body.name, 'any');
    });

    it('refuses a stale revision with 409 and a missing one with 428, changing nothing', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('contended'))).body;
      assert.equal(
        (await alice.patch(`/api/v1/tasks/${created.id}`, { name: 'first', revision: 1 })).status,
        200,
      );
      const stale = await alice.patch(`/api/v1/tasks/${created.id}`, {
        name: 'second',
        revision: 1,
      });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'REVISION_CONFLICT');
      assert.equal(stale.headers['content-type'], 'application/problem+json; charset=utf-8');
      const missing = await alice.patch(`/api/v1/tasks/${created.id}`, { name: 'third' });
      assert.equal(missing.status, 428);
      assert.equal(missing.body.code, 'REVISION_REQUIRED');
      const now = await alice.get(`/api/v1/tasks/${created.id}`);
      assert.equal(now.body.name, 'first');
      assert.equal(now.body.revision, 2);
    });

    it('lets exactly one of two concurrent updates with the same revision win', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('raced'))).body;
      const results = await Promise.all(
        ['left', 'right'].map((name) =>
          alice.patch(`/api/v1/tasks/${created.id}`, { name, revision: 1 }),
        ),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      assert.equal((await alice.get(`/api/v1/tasks/${created.id}`)).body.revision, 2);
    });

    it('disables and enables a task', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('toggle'))).body;
      const disabled = await alice.post(`/api/v1/tasks/${created.id}/disable`);
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.enabled, false);
      const enabled = await alice.post(`/api/v1/tasks/${created.id}/enable`);
      assert.equal(enabled.body.enabled, true);
      assert.equal(enabled.body.revision, 3);
    });

    it('copies a task into a new one owned by the caller', async () => {
      const source = (await alice.post('/api/v1/tasks', taskBody('original'))).body;
      const copy = await alice.post(`/api/v1/tasks/${source.id}/copy`);
      assert.equal(copy.status, 201);
      assert.notEqual(copy.body.id, source.id);
      assert.equal(copy.body.name, 'original (copy)');
      assert.deepEqual(copy.body.triggers, source.triggers);
      const named = await alice.post(`/api/v1/tasks/${source.id}/copy`, {
        name: 'second copy',
        enabled: false,
      });
      assert.equal(named.body.name, 'second copy');
      assert.equal(named.body.enabled, false);
    });

    it('deletes a task, after which it is 404', async () => {
      const created = (await alice.post('/api/v1/tasks', taskBody('doomed'))).body;
      assert.equal((await alice.delete(`/api/v1/tasks/${created.id}`)).status, 204);
      assert.equal((await alice.get(`/api/v1/tasks/${created.id}`)).status, 404);
      assert.equal((await alice.delete(`/api/v1/tasks/${created.id}`)).status, 404);
    });

    it('answers 404 to bob on every route of alice’s task, and leaves it unchanged', async () => {
      const task = (await alice.post('/api/v1/tasks', taskBody('secret plan'))).body;
      const url = `/api/v1/tasks/${task.id}`;
      const attempts = [
        bob.get(url),
        bob.put(url, { name: 'hijacked', revision: 1 }),
        bob.patch(url, { name: 'hijacked', revision: 1 }),
        bob.post(`${url}/enable`),
        bob.post(`${url}/disable`),
        bob.post(`${url}/copy`),
        bob.post(`${url}/owner`, { ownerId: aliceId }),
        bob.delete(url),
      ];
      for (const response of await Promise.all(attempts)) {
        assert.equal(response.status, 404);
        assert.equal(response.body.code, 'NOT_FOUND');
      }
      const after = await alice.get(url);
      assert.equal(after.body.name, 'secret plan');
      assert.equal(after.body.revision, 1);
      const bobList = await bob.get('/api/v1/tasks?limit=500');
      assert.ok(!bobList.body.items.some((each: { id: string }) => each.id === task.id));
    });

    it('lets an admin see and manage everyone’s tasks, and copy one as their own', async () => {
      const task = (await alice.post('/api/v1/tasks', taskBody('visible to admin'))).body;
      const own = await t.admin.get('/api/v1/tasks?limit=500');
      assert.ok(
        !own.body.items.some((each: { id: string }) => each.id === task.id),
        'admins list their own by default',
      );
      const all = await t.admin.get('/api/v1/tasks?owner=all&limit=500');
      const owners = new Set(all.body.items.map((each: { ownerLogin: string }) => each.ownerLogin));
      assert.ok(owners.has('alice') && owners.has('bob'));
      const hers = await t.admin.get(`/api/v1/tasks?owner=${aliceId}&limit=500`);
      assert.ok(hers.body.items.every((each: { ownerId: string }) => each.ownerId === aliceId));
      const patched = await t.admin.patch(`/api/v1/tasks/${task.id}`, {
        description: 'by admin',
        revision: 1,
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.ownerId, aliceId, 'the owner stays the owner');
      const copy = await t.admin.post(`/api/v1/tasks/${task.id}/copy`);
      assert.equal(copy.body.ownerLogin, 'admin');
    });

    it('lets only admins transfer ownership', async () => {
      const task = (await alice.post('/api/v1/tasks', taskBody('to give away'))).body;
      const bobId = (await bob.get('/api/v1/me')).body.id;
      const byOwner = await alice.post(`/api/v1/tasks/${task.id}/owner`, { ownerId: bobId });
      assert.equal(byOwner.status, 403);
      const moved = await t.admin.post(`/api/v1/tasks/${task.id}/owner`, { ownerId: bobId });
      assert.equal(moved.status, 200);
      assert.equal(moved.body.ownerLogin, 'bob');
      assert.equal((await alice.get(`/api/v1/tasks/${task.id}`)).status, 404);
      assert.equal((await bob.get(`/api/v1/tasks/${task.id}`)).status, 200);
    });

    it('refuses the owner filter to non-admins with 403', async () => {
      const response = await bob.get(`/api/v1/tasks?owner=${aliceId}`);
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'FORBIDDEN');
    });

    it('rejects an invalid body with 400 naming the field, and stores nothing', async () => {
      const before = (await alice.get('/api/v1/tasks?limit=500')).body.items.length;
      const cases: Array<[unknown, string]> = [
        [{ name: '' }, '/name'],
        [{ name: 'x', enabled: 'yes' }, '/enabled'],
        [{ name: 'x', color: 'red' }, '/color'],
        [{ name: 'x', timezone: 'Mars/Olympus' }, '/timezone'],
        [{ name: 'x', policy: { overlap: 'sometimes' } }, '/policy/overlap'],
        [{ name: 'x', triggers: [{ kind: 'time', config: 'daily' }] }, '/triggers/0/config'],
        [
          {
            name: 'x',
            triggers: [
              { id: 'a', ...schedule },
              { id: 'a', ...schedule },
            ],
          },
          '/triggers/1/id',
        ],
        [{ description: 'no name' }, '/name'],
      ];
      for (const [body, path] of cases) {
        const response = await alice.post('/api/v1/tasks', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.code, 'VALIDATION_FAILED');
        assert.ok(
          response.body.errors.some((error: { path: string }) => error.path === path),
          `${JSON.stringify(response.body.errors)} names ${path}`,
        );
      }
      assert.equal((await alice.get('/api/v1/tasks?limit=500')).body.items.length, before);
    });

    it('rejects an unknown component kind with a 400 that names the kind', async () => {
      const response = await alice.post('/api/v1/tasks', {
        name: 'x',
        jobs: [{ kind: 'teleport' }],
      });
      assert.equal(response.status, 400);
      assert.equal(response.body.code, 'UNKNOWN_COMPONENT_KIND');
      assert.match(response.body.detail, /teleport/);
      assert.equal(response.body.errors[0].path, '/jobs/0/kind');
    });

    it('leaves a task unchanged when an update is invalid', async () => {
      const task = (await alice.post('/api/v1/tasks', taskBody('stable'))).body;
      const bad = await alice.patch(`/api/v1/tasks/${task.id}`, {
        name: 'x'.repeat(201),
        revision: 1,
      });
      assert.equal(bad.status, 400);
      const now = (await alice.get(`/api/v1/tasks/${task.id}`)).body;
      assert.deepEqual(now, task);
    });

    it('never fails with 500 when a user is deleted while tasks are given to them', async () => {
      for (let round = 0; round < 5; round++) {
        const { id, client } = await t.user(`racer${round}`);
        const task = (await alice.post('/api/v1/tasks', taskBody(`race ${round}`))).body;
        const results = await Promise.all([
          t.admin.delete(`/api/v1/users/${id}`),
          client.post('/api/v1/tasks', taskBody('mine')),
          t.admin.post(`/api/v1/tasks/${task.id}/owner`, { ownerId: id }),
        ]);
        for (const response of results)
          assert.ok(response.status < 500, JSON.stringify(response.body));
        const deleted = results[0]?.status === 204;
        const owned = await t.testStore.store.tasks.countByOwner(id);
        assert.ok(!(deleted && owned > 0), 'a deleted user owns no task');
      }
    });

    it('writes an audit event for every change, with actor and address', async () => {
      const task = (await alice.post('/api/v1/tasks', taskBody('audited'))).body;
      await alice.patch(`/api/v1/tasks/${task.id}`, { name: 'audited 2', revision: 1 });
      await alice.post(`/api/v1/tasks/${task.id}/disable`);
      await alice.delete(`/api/v1/tasks/${task.id}`);
      const events = await t.testStore.store.audit.list({
        objectType: 'task',
        objectId: task.id,
        limit: 10,
      });
      assert.deepEqual(events.items.map((event) => event.action).reverse(), [
        'task.create',
        'task.update',
        'task.disable',
        'task.delete',
      ]);
      for (const event of events.items) {
        assert.equal(event.actorLogin, 'alice');
        assert.equal(event.address, '127.0.0.1');
      }
    });
  });
}
