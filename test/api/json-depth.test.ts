import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapConfigStrings } from '../../src/domain/config-fields.ts';
import { compileCheck } from '../../src/domain/validation.ts';
import { MAX_JSON_DEPTH } from '../../src/http/json-depth.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { testPlugin } from '../support/test-kinds.ts';

/** The leaf wrapped in `depth` arrays: [[[…leaf…]]]. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** The leaf under `depth` objects, each holding the next as "next". */
function nestedObjects(depth: number, leaf: unknown): Record<string, unknown> {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level++) value = { next: value };
  return value as Record<string, unknown>;
}

/** JSON text of [[[…leaf…]]] without JSON.stringify, which recurses. */
function nestedText(depth: number, leaf = '1'): string {
  return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
}

/** A task whose job (any config will do) has a config nested `depth` levels below it. */
function deepTaskText(name: string, depth: number): string {
  return `{"name":"${name}","jobs":[{"kind":"noop","config":{"value":${nestedText(depth)}}}]}`;
}

describe('a value nested deeper than the call stack reaches', () => {
  const deep = 100_000;

  it('is checked by compileCheck on a permissive schema without throwing', () => {
    const check = compileCheck({});
    assert.equal(check(nested(deep, 'fine')), true);
    assert.equal(check.errors, null);
    assert.equal(check(nestedObjects(deep, 42)), true);
  });

  it('still has its unstorable string found, with the same JSON pointer as a shallow one', () => {
    const check = compileCheck({});
    assert.equal(check(nested(deep, 'a\u0000b')), false);
    assert.equal(check.errors?.[0]?.instancePath, '/0'.repeat(deep));
    assert.equal(check.errors?.[0]?.keyword, 'unstorable');
    assert.equal(check(nestedObjects(3, { 'bad\u0000key': 1 })), false);
    assert.equal(check.errors?.[0]?.instancePath, '/next/next/next/badkey');
    assert.equal(check([['ok'], { a: ['x', '\uD800'] }]), false);
    assert.equal(check.errors?.[0]?.instancePath, '/1/a/1');
  });

  it('has its strings mapped alongside the schema without throwing', () => {
    const seen: string[] = [];
    const mapped = mapConfigStrings({ type: 'array' }, nested(deep, 'leaf'), (text, _f, path) => {
      seen.push(path);
      return text.toUpperCase();
    });
    assert.deepEqual(seen, ['/0'.repeat(deep)]);
    let inner: unknown = mapped;
    for (let level = 0; level < deep; level++) inner = (inner as unknown[])[0];
    assert.equal(inner, 'LEAF');
  });
});

for (const backend of await backends()) {
  describe(`JSON nested too deep, over the API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let alice: ApiClient;
    let taskId: string;

    before(async () => {
      t = await startTestApp(backend, 'json-depth', { services: { plugins: [testPlugin] } });
      alice = (await t.user('alice')).client;
      taskId = (await alice.post('/api/v1/tasks', { name: 'shallow' })).body.id;
    });
    after(async () => {
      await t?.close();
    });

    const json = { 'content-type': 'application/json' };

    /** Asserts the 400 problem that names the depth limit. */
    function assertTooDeep(response: { status: number; headers: any; body: any }, what: string) {
      assert.equal(response.status, 400, what);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/, what);
      assert.equal(response.body.code, 'VALIDATION_FAILED', what);
      assert.match(response.body.detail, new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`), what);
    }

    it('refuses a task whose job config nests 3,000 deep with a 400 naming the limit, storing nothing', async () => {
      const text = deepTaskText('too deep', 3000);
      assert.ok(text.length > 6000 && text.length < 7000, 'a 6 KB body');
      const before = (await alice.get('/api/v1/tasks?limit=500')).body.items.length;
      assertTooDeep(await alice.post('/api/v1/tasks', text, json), 'POST');
      const url = `/api/v1/tasks/${taskId}`;
      assertTooDeep(await alice.put(url, text, { ...json, 'if-match': '"1"' }), 'PUT');
      assertTooDeep(await alice.patch(url, text, { ...json, 'if-match': '"1"' }), 'PATCH');
      const tasks = (await alice.get('/api/v1/tasks?limit=500')).body.items;
      assert.equal(tasks.length, before);
      const stored = await alice.get(url);
      assert.equal(stored.body.revision, 1);
      assert.equal(stored.body.name, 'shallow');
    });

    it('accepts a config exactly as deep as the limit allows', async () => {
      // The body is 4 levels ({task}, jobs[], {job}, {config}) above the nested value.
      const text = deepTaskText('deep enough', MAX_JSON_DEPTH - 4);
      const created = await alice.post('/api/v1/tasks', text, json);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assertTooDeep(
        await alice.post('/api/v1/tasks', deepTaskText('one too deep', MAX_JSON_DEPTH - 3), json),
        'one level more',
      );
    });

    it('refuses deep JSON on every kind of route that reads a body', async () => {
      const text = nestedText(3000);
      const admin = t.admin;
      const calls: Array<[string, Promise<{ status: number; headers: any; body: any }>]> = [
        ['settings', admin.patch('/api/v1/settings', text, json)],
        ['copy', alice.post(`/api/v1/tasks/${taskId}/copy`, text, json)],
        ['run', alice.post(`/api/v1/tasks/${taskId}/run`, text, json)],
        ['schedule preview', alice.post('/api/v1/schedules/preview', text, json)],
        ['hook', t.anonymous.post('/hooks/some-token', text, json)],
        ['session', t.anonymous.post('/api/v1/session', text, json)],
      ];
      for (const [what, call] of calls) assertTooDeep(await call, what);
    });
  });
}
