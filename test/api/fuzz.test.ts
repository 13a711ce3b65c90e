import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { HTTPMethods, InjectOptions } from 'fastify';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { backends } from '../support/backends.ts';
import {
  HOSTILE_IDS,
  fieldMutations,
  hostileBodies,
  hostileCredentials,
  hostileQueries,
  type HostileBody,
} from '../support/fuzz-inputs.ts';
import { storeSnapshot } from '../support/fuzz-snapshot.ts';
import { ROUTE_DECISIONS, type MatrixIds } from '../support/matrix-decisions.ts';
import { documentedRoutes, filledPath, type DocumentedRoute } from '../support/matrix-routes.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { testPlugin } from '../support/test-kinds.ts';

/** One hostile request, and what to call it in a finding. */
interface Hostile {
  route: string;
  input: string;
  method: HTTPMethods;
  url: string;
  body?: HostileBody;
  headers?: Record<string, string>;
  anonymous?: boolean;
  /** The statuses the request may get, where only some will do. */
  expect?: readonly number[];
}

/** Signs that an answer says more than it should: stack frames and the server's files. */
const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['a stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/)?\/[^\s)]*:\d+:\d+|\n\s+at \S/],
  ['a path under /work/', /\/work\//],
  ['node_modules', /node_modules/],
  ['a source file position', /\.[cm]?[jt]sx?:\d+/],
];

/** A short, printable form of an input for a finding. */
function shown(text: string): string {
  const printable = JSON.stringify(
    text.length > 60 ? `${text.slice(0, 60)}…(${text.length})` : text,
  );
  return printable.slice(1, -1);
}

for (const backend of await backends()) {
  describe(`fuzz of every route on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let ids: MatrixIds;
    let routes: DocumentedRoute[];
    let auth: Record<string, string>;
    let adminId: string;
    /** The store before the next request; null after one that succeeded (it may change it). */
    let snapshot: string | null = null;
    const findings: string[] = [];
    const counts = { sent: 0, rejected: 0 };

    before(async () => {
      t = await startTestApp(backend, 'fuzz', { services: { plugins: [testPlugin] } });
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { login: 'admin', password: ADMIN_PASSWORD },
      });
      const cookie = login.cookies.find((each) => each.name === 'taskplanner_session');
      auth = {
        cookie: `taskplanner_session=${cookie?.value ?? ''}`,
        'x-csrf-token': String(JSON.parse(login.body).csrfToken),
      };
      adminId = String(JSON.parse(login.body).id);
      ids = await fixtures(t, adminId);
      routes = documentedRoutes((await t.anonymous.get('/api/openapi.json')).body);
    });
    after(async () => {
      await t?.close();
    });

    /** The request as Fastify's inject takes it, with the admin's session unless anonymous. */
    async function injectOptions(hostile: Hostile): Promise<InjectOptions> {
      const headers: Record<string, string> = {
        ...(hostile.anonymous ? {} : auth),
        ...(hostile.body ? { 'content-type': hostile.body.contentType } : {}),
      };
      const editsTask = /^\/api\/v1\/tasks\/[^/]+$/.test(hostile.url);
      if (editsTask && ['PUT', 'PATCH'].includes(hostile.method))
        headers['if-match'] = await revision();
      return {
        method: hostile.method,
        url: hostile.url,
        headers: { ...headers, ...hostile.headers },
        ...(hostile.body ? { payload: hostile.body.payload } : {}),
      };
    }

    /** Sends one hostile request and records every rule it breaks. */
    async function send(hostile: Hostile): Promise<void> {
      const where = `${hostile.route} [${hostile.input}]`;
      const options = await injectOptions(hostile);
      snapshot ??= await storeSnapshot(t.services, adminId, ids);
      const response = await t.app.inject(options);
      counts.sent++;
      const { body: text, statusCode: status } = response;
      if (status >= 500) findings.push(`${where}: ${status} ${shown(text)}`);
      if (hostile.expect && !hostile.expect.includes(status))
        findings.push(`${where}: ${status}, expected ${hostile.expect.join(' or ')}`);
      for (const [what, pattern] of LEAKS)
        if (pattern.test(text)) findings.push(`${where}: the answer shows ${what}: ${shown(text)}`);
      if (status >= 400 && status < 500) {
        counts.rejected++;
        const type = String(response.headers['content-type']);
        findings.push(...problemIssues(where, status, type, text));
      }
      if (status < 400) {
        snapshot = null;
        return;
      }
      const now = await storeSnapshot(t.services, adminId, ids);
      if (now !== snapshot) findings.push(`${where}: ${status}, yet the store changed`);
      snapshot = now;
    }

    /** The current revision of the fixture task, as an If-Match value. */
    async function revision(): Promise<string> {
      return `"${(await t.services.store.tasks.get(ids.task))?.revision ?? 0}"`;
    }

    /**
     * A valid body for the route, from the matrix table (a new task gets the whole definition
     * a replacement has); the revision goes in If-Match instead, read afresh for each request.
     */
    function baseBody(route: DocumentedRoute): unknown {
      const key = route.key === 'POST /api/v1/tasks' ? 'PUT /api/v1/tasks/{id}' : route.key;
      const made = ROUTE_DECISIONS[key]?.body?.(ids);
      if (made && typeof made === 'object' && 'revision' in made) {
        const { revision: _dropped, ...rest } = made as Record<string, unknown>;
        return rest;
      }
      return made;
    }

    it('answers hostile ids in every path without 5xx, leaks or changes', async () => {
      for (const route of routes.filter((each) => each.path.includes('{'))) {
        for (const parameter of route.path.match(/\{\w+\}/g) ?? []) {
          for (const value of HOSTILE_IDS) {
            const body = baseBody(route);
            await send({
              route: route.key,
              input: `${parameter}=${shown(value)}`,
              method: route.method,
              url: filledPath(route.path, ids, { parameter, value }),
              ...(body === undefined ? {} : { body: jsonBody(body) }),
            });
          }
        }
      }
      assert.deepEqual(findings.splice(0), []);
    });

    it('answers hostile query strings on every route without 5xx, leaks or changes', async () => {
      for (const route of routes.filter((each) => ['GET', 'DELETE'].includes(each.method))) {
        const named = (route.operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name);
        for (const query of hostileQueries(named)) {
          const path =
            route.method === 'DELETE' ? fillMissing(route.path) : filledPath(route.path, ids);
          await send({
            route: route.key,
            input: shown(query),
            method: route.method,
            url: `${path}?${query}`,
            anonymous: route.key === 'DELETE /api/v1/session',
          });
        }
      }
      assert.deepEqual(findings.splice(0), []);
    });

    it('answers malformed, deep, huge and mistyped bodies on every route without 5xx, leaks or changes', async () => {
      for (const route of routes.filter((each) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(each.method),
      )) {
        // A route without a body of its own (delete, enable, test...) is called for ids that
        // do not exist: a body it ignores must not delete or change the fixtures.
        const bodiless = baseBody(route) === undefined && route.path.includes('{');
        const path = bodiless ? fillMissing(route.path) : filledPath(route.path, ids);
        for (const body of hostileBodies(baseBody(route))) {
          await send({
            route: route.key,
            input: body.name,
            method: route.method,
            url: path,
            body,
            anonymous: route.key === 'DELETE /api/v1/session',
          });
        }
      }
      assert.deepEqual(findings.splice(0), []);
    });

    it('answers hostile values in each field of every body without 5xx, leaks or changes', async () => {
      for (const route of routes.filter((each) => ['POST', 'PUT', 'PATCH'].includes(each.method))) {
        const base = baseBody(route);
        if (base === undefined) continue;
        for (const body of fieldMutations(base)) {
          await send({
            route: route.key,
            input: body.name,
            method: route.method,
            url: filledPath(route.path, ids),
            body,
          });
        }
      }
      for (const value of [
        'W/"1"',
        '*',
        '"1", "2"',
        "1' OR '1'='1",
        'x'.repeat(10_000),
        '"\u0000"',
      ]) {
        await send({
          route: 'PATCH /api/v1/tasks/{id}',
          input: `If-Match ${shown(value)}`,
          method: 'PATCH',
          url: filledPath('/api/v1/tasks/{id}', ids),
          body: jsonBody({ description: 'if-match' }),
          headers: { 'if-match': value },
        });
      }
      assert.deepEqual(findings.splice(0), []);
      assert.ok(counts.rejected > counts.sent / 2, `most were refused: ${JSON.stringify(counts)}`);
    });

    it('answers hostile credentials with 401 (429 once throttled), and changes nothing', async () => {
      // The earlier tests may have set up an LDAP directory nobody serves, which answers 503:
      // here the server judges the credentials alone.
      assert.equal((await t.admin.delete('/api/v1/settings/ldap')).status, 204);
      snapshot = null;
      for (const { name, headers } of hostileCredentials()) {
        for (const [method, url] of [
          ['GET', '/api/v1/me'],
          ['POST', '/api/v1/tasks'],
        ] as const) {
          await send({
            route: `${method} ${url}`,
            input: shown(name),
            method,
            url,
            anonymous: true,
            headers,
            // Wrong passwords for a real login are throttled: 429 after the first few.
            expect: [401, 429],
            ...(method === 'POST' ? { body: jsonBody({ name: 'by a stranger' }) } : {}),
          });
        }
      }
      assert.deepEqual(findings.splice(0), []);
    });

    it('serves no file outside the UI and the API documentation for traversal paths', async () => {
      const exposed: string[] = [];
      for (const url of [
        '/assets/..%2f..%2fpackage.json',
        '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/..%2fpackage.json',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/api/docs/static/..%2f..%2f..%2fpackage.json',
        '/api/docs/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
        '/api/docs/..%2f..%2fpackage.json',
        '/index.html%00.js',
        '/assets/index.js%00',
        '/hooks/..%2f..%2fetc%2fpasswd',
      ]) {
        for (const accept of ['*/*', 'text/html']) {
          const response = await t.app.inject({ method: 'GET', url, headers: { accept } });
          const text = response.body;
          if (response.statusCode >= 500)
            exposed.push(`${url} (${accept}): ${response.statusCode}`);
          if (/"name":\s*"taskplanner"|root:x:0:0|"devDependencies"/.test(text))
            exposed.push(`${url} (${accept}): served a file outside the web root`);
        }
      }
      assert.deepEqual(exposed, []);
    });

    it('leaves Object.prototype unpolluted', () => {
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  });
}

/** A path with every parameter an id that does not exist. */
function fillMissing(path: string): string {
  return path.replace(/\{\w+\}/g, () => randomUUID());
}

function jsonBody(body: unknown): HostileBody {
  return { name: 'base', payload: JSON.stringify(body), contentType: 'application/json' };
}

/** What is wrong with a 4xx answer: not problem+json, no known code, another status. */
function problemIssues(where: string, status: number, type: string, text: string): string[] {
  if (!type.startsWith('application/problem+json'))
    return [`${where}: ${status} as ${type}, not application/problem+json: ${shown(text)}`];
  let problem: { code?: string; status?: number };
  try {
    problem = JSON.parse(text);
  } catch {
    return [`${where}: ${status} problem that is not JSON: ${shown(text)}`];
  }
  if (!problem.code || !(problem.code in ERROR_CODES))
    return [`${where}: ${status} problem without a known code: ${shown(text)}`];
  if (problem.status !== status) return [`${where}: ${status} problem saying ${problem.status}`];
  return [];
}

/** The objects hostile requests are aimed at, made by the admin. */
async function fixtures(t: TestApp, adminId: string): Promise<MatrixIds> {
  const made = async (url: string, body: unknown) => {
    const response = await t.admin.post(url, body);
    assert.ok(response.status < 300, `${url}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const task = await made('/api/v1/tasks', {
    name: 'Fuzz task',
    triggers: [{ id: 'web', kind: 'http', config: {} }],
    jobs: [{ id: 'out', kind: 'file', config: { name: 'out.txt', content: 'x' } }],
  });
  const run = await made(`/api/v1/tasks/${task.id}/run`, {});
  return {
    ownerId: adminId,
    task: task.id,
    taskRevision: task.revision,
    run: run.runId,
    artifact: randomUUID(),
    // Hostile requests at the outbox meet no message: each answers 404 or a clear 4xx.
    message: randomUUID(),
    token: (await made('/api/v1/tokens', { name: 'Fuzz token' })).id,
    hook: String(task.hooks[0].path).slice('/hooks/'.length),
    user: (
      await made('/api/v1/users', {
        login: 'fuzz-user',
        password: 'fuzzed-account-9',
        permissions: ['taskplanner'],
      })
    ).id,
    group: (await made('/api/v1/groups', { name: 'Fuzz group' })).id,
    dataSource: (
      await made('/api/v1/data-sources', {
        name: 'Fuzz source',
        kind: 'sqlite',
        location: '/nonexistent/fuzz.sqlite',
        access: { everyone: false, userIds: [], groupIds: [] },
      })
    ).id,
    visitor: { login: 'fuzz-nobody', password: 'not-the-password' },
    me: { login: 'admin', password: 'not-the-password' },
  };
}
