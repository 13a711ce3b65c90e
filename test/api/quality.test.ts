import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/backends.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';

describe('API quality', () => {
  let t: TestApp;

  before(async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    t = await startTestApp(sqlite, 'quality');
  });
  after(async () => {
    await t?.close();
  });

  it('serves /healthz and /readyz', async () => {
    assert.deepEqual((await t.anonymous.get('/healthz')).body, { status: 'ok' });
    assert.deepEqual((await t.anonymous.get('/readyz')).body, { status: 'ready' });
  });

  it('publishes an OpenAPI 3.1 document describing the routes, and a browsable page', async () => {
    const document = (await t.anonymous.get('/api/openapi.json')).body;
    assert.equal(document.openapi, '3.1.0');
    for (const path of [
      '/api/v1/tasks',
      '/api/v1/tasks/{id}',
      '/api/v1/tasks/{id}/copy',
      '/api/v1/session',
      '/api/v1/tokens',
      '/api/v1/users/{id}',
    ]) {
      assert.ok(document.paths[path], `documents ${path}`);
    }
    assert.ok(document.paths['/api/v1/tasks'].post.requestBody);
    assert.equal((await t.anonymous.get('/api/docs/')).status, 200);
  });

  it('publishes an OpenAPI document that a validator accepts', async () => {
    const document = (await t.anonymous.get('/api/openapi.json')).body;
    const validated = await SwaggerParser.validate(structuredClone(document));
    assert.equal(validated.info.title, 'Task Planner API');
    assert.deepEqual(Object.keys(validated.paths ?? {}).sort(), Object.keys(document.paths).sort());
  });

  it('refuses a body over the limit with 413 problem+json', async () => {
    const response = await t.admin.post('/api/v1/tasks', {
      name: 'big',
      description: 'x'.repeat(2 * 1024 * 1024),
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.code, 'BODY_TOO_LARGE');
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  });

  it('answers malformed JSON and wrong content types with problems, not stack traces', async () => {
    const malformed = await t.admin.request('POST', '/api/v1/tasks', '{"name": ', {
      'content-type': 'application/json',
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'VALIDATION_FAILED');
    assert.ok(!JSON.stringify(malformed.body).includes('at '), 'no stack trace');
    const form = await t.admin.request('POST', '/api/v1/tasks', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415);
    assert.equal(form.body.code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses text/plain bodies, and takes an empty JSON body as no body', async () => {
    const text = await t.admin.request('POST', '/api/v1/tasks', 'name', {
      'content-type': 'text/plain',
    });
    assert.equal(text.status, 415);
    const task = (await t.admin.post('/api/v1/tasks', { name: 'to copy' })).body;
    const copy = await t.admin.request('POST', `/api/v1/tasks/${task.id}/copy`, '', {
      'content-type': 'application/json',
    });
    assert.equal(copy.status, 201);
  });

  it('answers a malformed URL with a problem', async () => {
    const response = await t.admin.get('/api/v1/tasks/%E0%A4%A');
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'VALIDATION_FAILED');
  });

  it('refuses instants that do not exist, such as a leap second or 30 February', async () => {
    for (const expiresAt of [
      '2016-12-31T23:59:60Z',
      '2026-02-30T10:00:00Z',
      '2026-13-01T00:00:00Z',
    ]) {
      const task = await t.admin.post('/api/v1/tasks', { name: 'x', expiresAt });
      assert.equal(task.status, 400, expiresAt);
      assert.equal(task.body.errors[0].path, '/expiresAt');
      const token = await t.admin.post('/api/v1/tokens', { name: 'x', expiresAt });
      assert.equal(token.status, 400, expiresAt);
    }
    assert.equal((await t.admin.get('/api/v1/tokens')).body.items.length, 0, 'no token was made');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await t.admin.get('/api/v1/nothing-here');
    assert.equal(response.status, 404);
    assert.equal(response.body.code, 'NOT_FOUND');
  });

  it('rejects bad query parameters naming them', async () => {
    const response = await t.admin.get('/api/v1/tasks?limit=100000');
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.errors[0], {
      in: 'query',
      path: '/limit',
      message: 'must be <= 500',
    });
    const cursor = await t.admin.get('/api/v1/tasks?cursor=garbage');
    assert.equal(cursor.status, 400);
    assert.equal(cursor.body.errors[0].path, '/cursor');
  });

  it('tells browsers to stay on HTTPS only when served over HTTPS', async () => {
    const plain = await t.anonymous.get('/api/v1/me');
    assert.doesNotMatch(
      String(plain.headers['content-security-policy']),
      /upgrade-insecure-requests/,
    );
    assert.equal(plain.headers['strict-transport-security'], undefined);
    const [sqlite] = await backends();
    assert.ok(sqlite);
    const secure = await startTestApp(sqlite, 'https', { https: true });
    try {
      const response = await secure.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { login: 'admin', password: ADMIN_PASSWORD },
      });
      assert.match(
        String(response.headers['content-security-policy']),
        /upgrade-insecure-requests/,
      );
      assert.match(String(response.headers['strict-transport-security']), /max-age=/);
      assert.equal(response.cookies[0]?.secure, true);
    } finally {
      await secure.close();
    }
  });

  it('reports not ready once the store is gone', async () => {
    const [sqlite] = await backends();
    assert.ok(sqlite);
    const other = await startTestApp(sqlite, 'notready');
    await other.testStore.store.close();
    const response = await other.anonymous.get('/readyz');
    assert.equal(response.status, 503);
    assert.equal(response.body.code, 'STORE_UNAVAILABLE');
    await other.app.close();
  });
});
