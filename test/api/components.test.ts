import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('component kinds API', () => {
  let t: TestApp;

  before(async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    t = await startTestApp(sqlite, 'components', {
      services: {
        plugins: [
          {
            name: 'test',
            components: [
              {
                category: 'job',
                kind: 'guarded',
                title: 'Guarded job',
                description: 'Needs a permission',
                configSchema: Type.Object({ target: Type.String() }),
                permission: 'users.manage',
                produces: ['text'],
                run: async () => [],
              },
            ],
          },
        ],
      },
    });
  });
  after(async () => {
    await t?.close();
  });

  it('lists each kind with its config schema and whether the caller may use it', async () => {
    const { client } = await t.user('lister');
    const listed = (await client.get('/api/v1/components')).body.items;
    const time = listed.find((item: { kind: string }) => item.kind === 'time');
    assert.equal(time.category, 'trigger');
    assert.equal(time.allowed, true);
    assert.ok(time.configSchema.properties.intervals, 'the schedule object schema, for a form');
    const guarded = listed.find((item: { kind: string }) => item.kind === 'guarded');
    assert.deepEqual(
      { permission: guarded.permission, allowed: guarded.allowed },
      { permission: 'users.manage', allowed: false },
    );
    assert.deepEqual(guarded.produces, ['text']);
    const list = listed.find((item: { kind: string }) => item.kind === 'list');
    assert.equal(list.category, 'series');
    const kinds = listed.map(
      (item: { category: string; kind: string }) => `${item.category}:${item.kind}`,
    );
    for (const builtin of ['trigger:after-task', 'trigger:server-start', 'series:list'])
      assert.ok(kinds.includes(builtin), builtin);
    const asAdmin = (await t.admin.get('/api/v1/components')).body.items;
    assert.equal(asAdmin.find((item: { kind: string }) => item.kind === 'guarded').allowed, true);
  });

  it('needs a login', async () => {
    assert.equal((await t.anonymous.get('/api/v1/components')).status, 401);
  });
});
