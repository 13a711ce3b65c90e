import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { HTTPMethods } from 'fastify';
import { ApiClient, type ApiResponse } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { ADMIN_PASSWORD } from '../support/test-app.ts';
import {
  ROUTE_DECISIONS,
  type AdminPermission,
  type MatrixIds,
  type RouteRule,
} from '../support/matrix-decisions.ts';
import {
  UI_FILE_KEY,
  appRoutes,
  documentedRoutes,
  filledPath,
  uiFiles,
  type DocumentedRoute,
} from '../support/matrix-routes.ts';
import { buildMatrixWorld, type MatrixUser, type MatrixWorld } from '../support/matrix-world.ts';

const methodOf = (key: string) => key.split(' ')[0] as HTTPMethods;
const pathOf = (key: string) => key.split(' ')[1] ?? '';
/** Whether the path names an object by id (the hook's token is a key, not an object id). */
const namesObject = (key: string) => pathOf(key).startsWith('/api/v1/') && key.includes('{');
const namesTask = (key: string) => pathOf(key).startsWith('/api/v1/tasks/{id}');

/** The URL of a route with its path parameters filled from the ids. */
function urlOf(key: string, ids: MatrixIds): string {
  if (key === UI_FILE_KEY) return uiFiles()[0] ?? '/index.html';
  const path = pathOf(key);
  if (path === '/api/docs/static/*') return '/api/docs/static/swagger-ui.css';
  return filledPath(path, ids);
}

/** The order of a sweep: writes and deletes after reads, session-ending calls last. */
function sweepOrder(keys: readonly string[]): string[] {
  const rank = (key: string) => {
    const rule = ROUTE_DECISIONS[key];
    if (rule?.endsSession) return methodOf(key) === 'DELETE' ? 3 : 4;
    if (methodOf(key) === 'DELETE') return namesTask(key) ? 2.5 : 2;
    return 1;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

/** What a caller who is not the rightful one gets: the decision applied to who they are. */
function deniedStatus(key: string, rule: RouteRule, who: 'anonymous' | 'outsider' | 'other') {
  if (rule.decision === 'public') return rule.allowed;
  if (who === 'anonymous') return 401;
  if (rule.decision === 'self' || rule.decision === 'user')
    return namesObject(key) ? 404 : rule.allowed;
  if (who === 'outsider') return 403;
  if (rule.decision === 'planner') return namesObject(key) ? 404 : rule.allowed;
  return namesTask(key) ? 404 : 403;
}

/** The problem code a status must come with. */
const CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
};

/** A caller of a sweep: a session, and how to get a fresh one for calls that end it. */
interface SweepCaller {
  name: string;
  client: ApiClient;
  fresh: () => Promise<ApiClient>;
  me: MatrixIds['me'];
}

for (const backend of await backends()) {
  describe(`authorization matrix on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let world: MatrixWorld;
    let documented: DocumentedRoute[];
    /** The security the document gives operations that say none of their own. */
    let globalSecurity: unknown[];

    before(async () => {
      t = await startEngineApp(backend, 'authz-matrix');
      world = await buildMatrixWorld(t);
      const served = await t.anonymous.get('/api/openapi.json');
      assert.equal(served.status, 200);
      documented = documentedRoutes(served.body);
      globalSecurity = Array.isArray(served.body.security) ? served.body.security : [];
    });
    after(async () => {
      await t?.close();
    });

    const asUser = (user: MatrixUser): SweepCaller => ({
      name: user.login,
      client: user.client,
      fresh: () => t.login(user.login, user.password),
      me: { login: user.login, password: user.password },
    });
    const anonymously = (): SweepCaller => ({
      name: 'anonymous',
      client: t.anonymous,
      fresh: async () => t.anonymous,
      me: world.ids.visitor,
    });

    /** Calls a route as the caller with the ids (a fresh session if the call ends it). */
    async function call(
      caller: SweepCaller,
      key: string,
      ids: MatrixIds,
      method: HTTPMethods = methodOf(key),
    ): Promise<ApiResponse> {
      const rule = ROUTE_DECISIONS[key];
      assert.ok(rule, `no decision for ${key}`);
      const client = rule.endsSession ? await caller.fresh() : caller.client;
      const body = rule.body?.({ ...ids, me: caller.me });
      return client.request(method, urlOf(key, ids), body);
    }

    /** A line for each answer that is not the expected status (and code, for refusals). */
    function mismatch(
      who: string,
      key: string,
      expected: number,
      response: ApiResponse,
    ): string | null {
      const code = CODES[expected];
      const sameStatus = response.status === expected;
      const sameCode = !code || response.body?.code === code || methodOf(key) === 'HEAD';
      if (sameStatus && sameCode) return null;
      const got = typeof response.body === 'object' ? response.body?.code : '';
      return `${key} as ${who}: expected ${expected}${code ? ` ${code}` : ''}, got ${response.status} ${got ?? ''}`;
    }

    /** Calls every route as the caller, expecting what the decision gives them. */
    async function sweep(
      caller: SweepCaller,
      who: 'anonymous' | 'outsider' | 'other',
    ): Promise<string[]> {
      const found: string[] = [];
      for (const key of sweepOrder(Object.keys(ROUTE_DECISIONS))) {
        const rule = ROUTE_DECISIONS[key] as RouteRule;
        const expected = deniedStatus(key, rule, who);
        const response = await call(caller, key, world.ids);
        found.push(mismatch(caller.name, key, expected, response) ?? '');
        if (response.status === 202 && response.body?.runId) await t.ended(response.body.runId);
      }
      return found.filter(Boolean);
    }

    it('has a decision for every route the app answers and the document lists, and no other', () => {
      const table = Object.keys(ROUTE_DECISIONS);
      const answered = appRoutes(t.app);
      const listed = documented.map((route) => route.key);
      const all = [...new Set([...answered, ...listed])];
      assert.deepEqual(
        {
          withoutDecision: all.filter((key) => !table.includes(key)),
          decidedButGone: table.filter((key) => !answered.includes(key)),
          hiddenFlagWrong: table.filter(
            (key) => (ROUTE_DECISIONS[key]?.hidden === true) === listed.includes(key),
          ),
        },
        { withoutDecision: [], decidedButGone: [], hiddenFlagWrong: [] },
        'add a decision to test/support/matrix-decisions.ts for each new route',
      );
    });

    it('documents exactly the public routes as needing no authentication (security: [])', () => {
      const wrong = documented
        .filter((route) => {
          const isPublic = ROUTE_DECISIONS[route.key]?.decision === 'public';
          const open =
            Array.isArray(route.operation.security) && route.operation.security.length === 0;
          return isPublic !== open;
        })
        .map((route) => `${route.key} (${ROUTE_DECISIONS[route.key]?.decision})`);
      assert.deepEqual(wrong, [], 'OpenAPI security differs from the decision');
    });

    it('answers anonymous callers as the OpenAPI document says: no 401 where it needs no login, 401 elsewhere', async () => {
      const needsLogin = (route: DocumentedRoute) =>
        (route.operation.security ?? globalSecurity).length > 0;
      assert.ok(documented.some(needsLogin) && !documented.every(needsLogin));
      const found: string[] = [];
      const byKey = new Map(documented.map((route) => [route.key, route]));
      for (const key of sweepOrder([...byKey.keys()])) {
        const route = byKey.get(key) as DocumentedRoute;
        const response = await call(anonymously(), key, world.ids);
        const refused = response.status === 401 && response.body?.code === 'UNAUTHENTICATED';
        if (needsLogin(route) && !refused)
          found.push(`${key}: documented as needing a login, answered ${response.status}`);
        if (!needsLogin(route) && response.status === 401)
          found.push(`${key}: documented as public (security: []), answered 401`);
        if (response.status === 202 && response.body?.runId) await t.ended(response.body.runId);
      }
      assert.deepEqual(found, []);
    });

    it("answers a planner user's tries at another user's objects by query, mixed ids or token as 404", async () => {
      const b = world.other.client;
      const a = world.ids;
      const mine = world.otherObjects;
      const bearer = new ApiClient(t.app, {
        authorization: `Bearer ${(await b.post('/api/v1/tokens', { name: 'B bearer' })).body.token}`,
      });
      const signature = mine.hook.split('.')[2] ?? '';
      const checks: Array<[string, () => Promise<ApiResponse>, number]> = [
        ['runs of A’s task by query', () => b.get(`/api/v1/runs?taskId=${a.task}`), 404],
        ['tasks of A by owner', () => b.get(`/api/v1/tasks?owner=${a.ownerId}`), 403],
        ['tasks of all owners', () => b.get('/api/v1/tasks?owner=all'), 403],
        [
          'A’s artifact under B’s run',
          () => b.get(`/api/v1/runs/${mine.run}/artifacts/${a.artifact}`),
          404,
        ],
        [
          'B’s artifact under A’s run',
          () => b.get(`/api/v1/runs/${a.run}/artifacts/${mine.artifact}`),
          404,
        ],
        ['A’s task by Bearer token', () => bearer.get(`/api/v1/tasks/${a.task}`), 404],
        ['A’s run by Bearer token', () => bearer.get(`/api/v1/runs/${a.run}`), 404],
        ['A’s log by Bearer token', () => bearer.get(`/api/v1/runs/${a.run}/log`), 404],
        [
          'A’s live log (event stream)',
          () =>
            b.request('GET', `/api/v1/runs/${a.run}/log`, undefined, {
              accept: 'text/event-stream',
            }),
          404,
        ],
        ['A’s task with a trailing slash', () => b.get(`/api/v1/tasks/${a.task}/`), 404],
        [
          'A’s task through an encoded path',
          () => b.get(`/api/v1/tasks/${encodeURIComponent(a.task)}`),
          404,
        ],
        ['B reads their own user record', () => b.get(`/api/v1/users/${world.other.id}`), 200],
        ['B reads A’s user record', () => b.get(`/api/v1/users/${a.ownerId}`), 403],
        [
          'B transfers their own task',
          () => b.post(`/api/v1/tasks/${mine.task}/owner`, { ownerId: a.ownerId }),
          403,
        ],
        [
          'A’s hook signed for B’s task',
          () => t.anonymous.get(`/hooks/${a.task}.web.${signature}`),
          404,
        ],
        ['A’s hook with B’s session', () => b.get(`/hooks/${a.task}.web.${signature}`), 404],
        ['A’s hook, signature altered', () => t.anonymous.get(`/hooks/${alter(a.hook)}`), 404],
        [
          'A’s hook, other trigger id',
          () => t.anonymous.get(`/hooks/${a.task}.other.${a.hook.split('.')[2]}`),
          404,
        ],
      ];
      const found: string[] = [];
      for (const [what, request, expected] of checks) {
        const response = await request();
        if (response.status !== expected)
          found.push(
            `${what}: expected ${expected}, got ${response.status} ${response.body?.code ?? ''}`,
          );
      }
      const runs = (await b.get('/api/v1/runs?limit=500')).body.items.map((run: any) => run.id);
      if (runs.includes(a.run)) found.push('B’s run list shows A’s run');
      const tasks = (await b.get('/api/v1/tasks?limit=500')).body.items.map((task: any) => task.id);
      if (tasks.includes(a.task)) found.push('B’s task list shows A’s task');
      assert.deepEqual(found, []);
    });

    it('checks the caller before an invalid body, or the body first where the table says so', async () => {
      const found: string[] = [];
      const invalid = { matrixUnknownField: true };
      for (const [key, rule] of Object.entries(ROUTE_DECISIONS)) {
        if (!rule.body || ['public', 'self', 'user'].includes(rule.decision)) continue;
        const url = urlOf(key, world.ids);
        const anonymous = await t.anonymous.request(methodOf(key), url, invalid);
        found.push(mismatch('anonymous, invalid body', key, 401, anonymous) ?? '');
        const outsider = await world.outsider.client.request(methodOf(key), url, invalid);
        const expected = rule.validatesFirst ? 400 : 403;
        found.push(mismatch('matrix-c, invalid body', key, expected, outsider) ?? '');
      }
      assert.deepEqual(found.filter(Boolean), []);
    });

    it('answers 401 to anonymous callers on every route but the public ones', async () => {
      const found = await sweep(anonymously(), 'anonymous');
      for (const key of Object.keys(ROUTE_DECISIONS)) {
        const rule = ROUTE_DECISIONS[key] as RouteRule;
        if (methodOf(key) !== 'GET' || rule.decision === 'public') continue;
        const head = await call(anonymously(), key, world.ids, 'HEAD');
        found.push(mismatch('anonymous', `HEAD ${pathOf(key)}`, 401, head) ?? '');
      }
      assert.deepEqual(found.filter(Boolean), []);
    });

    it('answers 403 to a user without taskplanner on planner and admin routes', async () => {
      world.ids.taskRevision = await revisionOf(world.ids.task);
      assert.deepEqual(await sweep(asUser(world.outsider), 'outsider'), []);
    });

    it("answers 404 to another planner user on A's objects, exactly as for a missing one, and 403 on admin routes", async () => {
      world.ids.taskRevision = await revisionOf(world.ids.task);
      const found = await sweep(asUser(world.other), 'other');
      const missing: MatrixIds = {
        ...world.ids,
        ...Object.fromEntries(
          ['task', 'run', 'artifact', 'token', 'user', 'group', 'dataSource'].map((name) => [
            name,
            randomUUID(),
          ]),
        ),
      };
      for (const key of Object.keys(ROUTE_DECISIONS)) {
        const rule = ROUTE_DECISIONS[key] as RouteRule;
        if (deniedStatus(key, rule, 'other') !== 404) continue;
        const real = await call(asUser(world.other), key, world.ids);
        const absent = await call(asUser(world.other), key, missing);
        const shape = (response: ApiResponse) =>
          [response.status, response.body?.code, response.body?.title, response.body?.detail].join(
            ' | ',
          );
        if (shape(real) !== shape(absent))
          found.push(
            `${key}: A's object answers "${shape(real)}", a missing one "${shape(absent)}"`,
          );
      }
      assert.deepEqual(found, []);
    });

    it('lets each administrative permission read its own routes and refuses the others', async () => {
      const found: string[] = [];
      for (const [permission, holder] of Object.entries(world.holders)) {
        for (const key of Object.keys(ROUTE_DECISIONS)) {
          const expected = holderStatus(key, permission as AdminPermission);
          if (expected === null) continue;
          const response = await call(asUser(holder), key, world.ids);
          found.push(mismatch(holder.login, key, expected, response) ?? '');
        }
      }
      assert.deepEqual(found.filter(Boolean), []);
    });

    it('answers the rightful caller on every route, so each refusal above was about the caller', async () => {
      const found: string[] = [];
      for (const key of sweepOrder(Object.keys(ROUTE_DECISIONS))) {
        const rule = ROUTE_DECISIONS[key] as RouteRule;
        const caller = rightfulCaller(rule);
        world.ids.taskRevision = (await revisionOf(world.ids.task)) || world.ids.taskRevision;
        const response = await call(caller, key, world.ids);
        found.push(mismatch(caller.name, key, rule.allowed, response) ?? '');
        if (response.status === 202 && response.body?.runId) await t.ended(response.body.runId);
      }
      assert.deepEqual(found.filter(Boolean), []);
    });

    /** The revision of A's task now (0 once it is gone). */
    async function revisionOf(taskId: string): Promise<number> {
      const response = await t.admin.get(`/api/v1/tasks/${taskId}`);
      return response.status === 200 ? Number(response.body.revision) : 0;
    }

    /** Who may call a route: anyone if public, the admin for admin routes, else the owner. */
    function rightfulCaller(rule: RouteRule): SweepCaller {
      if (rule.decision === 'public') return anonymously();
      if (rule.decision.startsWith('admin:'))
        return {
          name: 'admin',
          client: t.admin,
          fresh: () => t.login('admin', ADMIN_PASSWORD),
          me: { login: 'admin', password: ADMIN_PASSWORD },
        };
      return asUser(world.owner);
    }
  });
}

/**
 * What a holder of one administrative permission (and taskplanner) gets, for the reads they
 * may make and every call they may not; null for the writes they may make (not tried here).
 */
function holderStatus(key: string, permission: AdminPermission): number | null {
  const rule = ROUTE_DECISIONS[key] as RouteRule;
  const reading = methodOf(key) === 'GET';
  if (rule.decision === 'planner') {
    if (!reading) return null;
    return permission === 'taskplanner.admin' || !namesObject(key) ? rule.allowed : 404;
  }
  if (!rule.decision.startsWith('admin:')) return null;
  if (rule.decision === `admin:${permission}`) return reading ? rule.allowed : null;
  return namesTask(key) && permission !== 'taskplanner.admin' ? 404 : 403;
}

/** A hook token with the last character of its signature changed. */
function alter(token: string): string {
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -1)}${last}`;
}
