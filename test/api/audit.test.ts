import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('audit log API', () => {
  let t: TestApp;

  before(async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    t = await startTestApp(sqlite, 'audit');
  });
  after(async () => {
    await t?.close();
  });

  it('shows holders of audit.read who did what, newest first, filtered and paged', async () => {
    const { client } = await t.user('writer');
    const task = (await client.post('/api/v1/tasks', { name: 'watched' })).body;
    await client.post(`/api/v1/tasks/${task.id}/disable`);
    const forTask = await t.admin.get(`/api/v1/audit?objectType=task&objectId=${task.id}`);
    assert.equal(forTask.status, 200);
    assert.deepEqual(
      forTask.body.items.map((event: { action: string }) => event.action),
      ['task.disable', 'task.create'],
    );
    assert.equal(forTask.body.items[0].actorLogin, 'writer');
    assert.match(forTask.body.items[0].at, /^\d{4}-\d\d-\d\dT/);

    const seen: string[] = [];
    let url = '/api/v1/audit?limit=2';
    for (let page = 0; page < 50 && url; page++) {
      const response = await t.admin.get(url);
      seen.push(...response.body.items.map((event: { id: string }) => event.id));
      url = response.body.nextCursor
        ? `/api/v1/audit?limit=2&cursor=${encodeURIComponent(response.body.nextCursor)}`
        : '';
    }
    const all = await t.admin.get('/api/v1/audit?limit=500');
    assert.deepEqual(
      seen,
      all.body.items.map((event: { id: string }) => event.id),
    );
  });

  it('is refused without audit.read', async () => {
    const { client } = await t.user('curious');
    const response = await client.get('/api/v1/audit');
    assert.equal(response.status, 403);
    assert.match(response.body.detail, /audit\.read/);
  });
});
