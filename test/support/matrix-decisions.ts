/**
 * Who may call which route: the one table the authorization matrix test checks the app
 * against (test/api/authorization-matrix.test.ts). Every `METHOD path` the app answers has
 * exactly one entry; a new route fails the test until it gets a decision here.
 *
 * Decisions:
 * - `public`: anyone, logged in or not (the OpenAPI document says `security: []`).
 * - `self`: any logged-in user, acting on their own account (/me, /tokens). Someone else's
 *   token does not exist for them (404).
 * - `user`: any logged-in user, reading what every user may know (the permission and
 *   component catalogues, the data sources they may query).
 * - `planner`: needs `taskplanner`; another user's task, run, artifact or log answers 404.
 * - `admin:<permission>`: needs that administrative permission; 403 without it. Where the
 *   path names a task, the task's visibility comes first: 404 for someone else's task.
 *
 * Bodies are valid, so a refusal is about who calls, not what they sent. Every route under
 * /api/v1 checks the login first (401), then the permission (403, a preValidation hook), and
 * only then the body (400), so a caller without the permission learns nothing from a 400.
 * A route marked `validatesFirst` would check its body first; the matrix asserts either.
 */

/** The ids of the objects the matrix calls routes with (user A's objects, the admin's others). */
export interface MatrixIds {
  /** User A: the owner of the task, run, artifact, token and hook. */
  ownerId: string;
  task: string;
  taskRevision: number;
  run: string;
  artifact: string;
  token: string;
  /** The token part of the task's hook URL: taskId.triggerId.signature. */
  hook: string;
  /** Made by the admin: a user who owns nothing, a group and a data source. */
  user: string;
  group: string;
  dataSource: string;
  /** A message of the outbox that failed (A's run's), for the outbox routes. */
  message: string;
  /** A login whose password the matrix knows (the visitor), for POST /session. */
  visitor: { login: string; password: string };
  /** The caller's own login and password (the visitor's for anonymous callers). */
  me: { login: string; password: string };
}

/** The permissions a route may demand of administrators. */
export type AdminPermission =
  'users.manage' | 'settings.manage' | 'audit.read' | 'taskplanner.admin' | 'mail.manage';

/** Who may call a route. */
export type Decision = 'public' | 'self' | 'user' | 'planner' | `admin:${AdminPermission}`;

/** A route's decision and how the matrix calls it. */
export interface RouteRule {
  decision: Decision;
  /** The status the rightful caller gets (the owner of the objects, the admin, anyone if public). */
  allowed: number;
  /** A valid body, made from the ids. */
  body?: (ids: MatrixIds) => unknown;
  /** Not in the OpenAPI document (static files, the document itself). */
  hidden?: true;
  /** Ends the caller's session(s): the matrix calls it with a fresh login, after the others. */
  endsSession?: true;
  /** An invalid body gets 400 before the permission is checked (see above). */
  validatesFirst?: true;
  /** Why the decision is what it is, where it is not obvious. */
  why?: string;
}

const task = (ids: MatrixIds) => ({
  name: 'Matrix task, replaced',
  revision: ids.taskRevision,
  triggers: [{ id: 'web', kind: 'http', config: {} }],
  jobs: [{ id: 'out', kind: 'file', config: { name: 'out.txt', content: 'x' } }],
});

/** Every route the app answers, by `METHOD path` (OpenAPI path syntax). */
export const ROUTE_DECISIONS: Record<string, RouteRule> = {
  // Outside the API: health checks, documentation, the browser UI, hooks.
  'GET /healthz': { decision: 'public', allowed: 200 },
  'GET /readyz': { decision: 'public', allowed: 200 },
  'GET /api/openapi.json': { decision: 'public', allowed: 200, hidden: true },
  'GET /api/docs': { decision: 'public', allowed: 200, hidden: true },
  'GET /api/docs/': { decision: 'public', allowed: 200, hidden: true },
  'GET /api/docs/json': { decision: 'public', allowed: 200, hidden: true },
  'GET /api/docs/yaml': { decision: 'public', allowed: 200, hidden: true },
  'GET /api/docs/static/index.html': { decision: 'public', allowed: 302, hidden: true },
  'GET /api/docs/static/swagger-initializer.js': {
    decision: 'public',
    allowed: 200,
    hidden: true,
  },
  'GET /api/docs/static/*': { decision: 'public', allowed: 200, hidden: true },
  'GET /': { decision: 'public', allowed: 200, hidden: true },
  'GET /assets/*': {
    decision: 'public',
    allowed: 200,
    hidden: true,
    why: "the built UI's files in dist/web/assets, looked up by path",
  },
  'GET /hooks/{token}': {
    decision: 'public',
    allowed: 202,
    why: 'the signed token is the key; a token of another task or trigger answers 404',
  },
  'POST /hooks/{token}': { decision: 'public', allowed: 202, body: () => ({ who: 'matrix' }) },

  // The session and the caller's own account.
  'POST /api/v1/session': { decision: 'public', allowed: 200, body: (ids) => ids.visitor },
  'DELETE /api/v1/session': { decision: 'public', allowed: 204, endsSession: true },
  'GET /api/v1/me': { decision: 'self', allowed: 200 },
  'PUT /api/v1/me/password': {
    decision: 'self',
    allowed: 204,
    endsSession: true,
    body: (ids) => ({ currentPassword: ids.me.password, newPassword: ids.me.password }),
    why: 'the current password is checked in the body: the matrix sends the right one',
  },
  'POST /api/v1/tokens': { decision: 'self', allowed: 201, body: () => ({ name: 'matrix' }) },
  'GET /api/v1/tokens': { decision: 'self', allowed: 200 },
  'DELETE /api/v1/tokens/{id}': { decision: 'self', allowed: 204 },

  // The permission catalogue, which the user management forms read.
  'GET /api/v1/permissions': { decision: 'user', allowed: 200 },
  // What tasks are built from: for planners (and settings.manage for every data source).
  'GET /api/v1/components': { decision: 'planner', allowed: 200 },
  'GET /api/v1/data-sources': {
    decision: 'planner',
    allowed: 200,
    why: 'administrators see all; planners only the names of those they may query',
  },
  'GET /api/v1/folders': {
    decision: 'planner',
    allowed: 200,
    why: 'the allowed folders: paths of tasks outside them are refused at save, so planners see them',
  },

  // The planner: tasks and runs, each user's own.
  'GET /api/v1/tasks': { decision: 'planner', allowed: 200 },
  'POST /api/v1/tasks': {
    decision: 'planner',
    allowed: 201,
    body: () => ({ name: 'Matrix task, new' }),
  },
  'POST /api/v1/tasks/execute': {
    decision: 'planner',
    allowed: 200,
    body: () => ({ task: { name: 'Matrix task, unsaved' }, dryRun: true }),
  },
  'GET /api/v1/tasks/{id}': { decision: 'planner', allowed: 200 },
  'PUT /api/v1/tasks/{id}': { decision: 'planner', allowed: 200, body: task },
  'PATCH /api/v1/tasks/{id}': {
    decision: 'planner',
    allowed: 200,
    body: (ids) => ({ description: 'patched', revision: ids.taskRevision }),
  },
  'DELETE /api/v1/tasks/{id}': { decision: 'planner', allowed: 204 },
  'GET /api/v1/tasks/{id}/grants': { decision: 'planner', allowed: 200 },
  'PUT /api/v1/tasks/{id}/grants': {
    decision: 'planner',
    allowed: 200,
    body: () => ({ grants: [] }),
    why: "the task's owner, its managers and administrators; test/api/task-grants.test.ts covers each level",
  },
  'POST /api/v1/tasks/export': {
    decision: 'planner',
    allowed: 200,
    body: () => ({}),
    why: "the caller's own tasks; by ids, another user's task answers 404 (test/api/task-transfer.test.ts)",
  },
  'POST /api/v1/tasks/import': {
    decision: 'planner',
    allowed: 201,
    body: () => ({
      format: 'taskplanner-tasks',
      version: 1,
      tasks: [{ id: 'matrix-source', name: 'Matrix imported', enabled: false }],
    }),
    why: "for the caller; for another user ('owner') only with taskplanner.admin",
  },
  'GET /api/v1/directory': {
    decision: 'planner',
    allowed: 200,
    why: 'names of users and groups to share a task with, nothing more',
  },
  'POST /api/v1/tasks/{id}/enable': { decision: 'planner', allowed: 200 },
  'POST /api/v1/tasks/{id}/disable': { decision: 'planner', allowed: 200 },
  'POST /api/v1/tasks/{id}/copy': {
    decision: 'planner',
    allowed: 201,
    body: () => ({ name: 'Matrix copy', enabled: false }),
  },
  'POST /api/v1/tasks/{id}/run': {
    decision: 'planner',
    allowed: 202,
    body: () => ({ parameters: { who: 'matrix' } }),
  },
  'POST /api/v1/tasks/{id}/owner': {
    decision: 'admin:taskplanner.admin',
    allowed: 200,
    body: (ids) => ({ ownerId: ids.ownerId }),
    why: "a planner user gets 404 for another's task and 403 for their own",
  },
  'POST /api/v1/schedules/preview': {
    decision: 'planner',
    allowed: 200,
    body: () => ({
      schedule: { start: '2026-01-05T09:00', intervals: [{ kind: 'days' }] },
      count: 2,
    }),
  },
  'GET /api/v1/runs': { decision: 'planner', allowed: 200 },
  'GET /api/v1/runs/{id}': { decision: 'planner', allowed: 200 },
  'POST /api/v1/runs/{id}/cancel': {
    decision: 'planner',
    allowed: 409,
    why: 'the run has ended: the owner gets RUN_ENDED, which only the owner may learn',
  },
  'GET /api/v1/runs/{id}/log': { decision: 'planner', allowed: 200 },
  'GET /api/v1/runs/{id}/messages': { decision: 'planner', allowed: 200 },
  'GET /api/v1/runs/{id}/artifacts/{artifactId}': { decision: 'planner', allowed: 200 },

  // Administration.
  'GET /api/v1/users': { decision: 'admin:users.manage', allowed: 200 },
  'POST /api/v1/users': {
    decision: 'admin:users.manage',
    allowed: 201,
    body: () => ({ login: 'matrix-new', password: 'brand-new-pass-3', permissions: [] }),
  },
  'GET /api/v1/users/{id}': {
    decision: 'admin:users.manage',
    allowed: 200,
    why: 'a user may read their own record; the matrix calls it with another user',
  },
  'PATCH /api/v1/users/{id}': {
    decision: 'admin:users.manage',
    allowed: 200,
    body: () => ({ displayName: 'Matrix renamed' }),
  },
  'DELETE /api/v1/users/{id}': { decision: 'admin:users.manage', allowed: 204 },
  'POST /api/v1/users/{id}/disable': { decision: 'admin:users.manage', allowed: 200 },
  'POST /api/v1/users/{id}/enable': { decision: 'admin:users.manage', allowed: 200 },
  'GET /api/v1/groups': { decision: 'admin:users.manage', allowed: 200 },
  'POST /api/v1/groups': {
    decision: 'admin:users.manage',
    allowed: 201,
    body: () => ({ name: 'Matrix new group' }),
  },
  'GET /api/v1/groups/{id}': { decision: 'admin:users.manage', allowed: 200 },
  'PATCH /api/v1/groups/{id}': {
    decision: 'admin:users.manage',
    allowed: 200,
    body: () => ({ name: 'Matrix renamed group' }),
  },
  'DELETE /api/v1/groups/{id}': { decision: 'admin:users.manage', allowed: 204 },
  'GET /api/v1/audit': { decision: 'admin:audit.read', allowed: 200 },
  'GET /api/v1/outbox': { decision: 'admin:mail.manage', allowed: 200 },
  'GET /api/v1/outbox/counts': { decision: 'admin:mail.manage', allowed: 200 },
  'GET /api/v1/outbox/{id}': { decision: 'admin:mail.manage', allowed: 200 },
  // Cancel comes first (the sweep keeps this order): the failed message is not waiting.
  'POST /api/v1/outbox/{id}/cancel': {
    decision: 'admin:mail.manage',
    allowed: 409,
    why: 'the message has failed: only a waiting one can be canceled (MAIL_NOT_WAITING)',
  },
  'POST /api/v1/outbox/{id}/retry': { decision: 'admin:mail.manage', allowed: 200 },
  'GET /api/v1/settings': { decision: 'admin:settings.manage', allowed: 200 },
  'PATCH /api/v1/settings': {
    validatesFirst: true,
    decision: 'admin:settings.manage',
    allowed: 200,
    body: () => ({ deniedNetworks: ['192.0.2.0/24'] }),
  },
  'POST /api/v1/data-sources': {
    decision: 'admin:settings.manage',
    allowed: 201,
    body: () => ({
      name: 'Matrix new source',
      kind: 'sqlite',
      location: '/nonexistent/matrix.sqlite',
      access: { everyone: true, userIds: [], groupIds: [] },
    }),
  },
  'GET /api/v1/data-sources/{id}': { decision: 'admin:settings.manage', allowed: 200 },
  'PATCH /api/v1/data-sources/{id}': {
    decision: 'admin:settings.manage',
    allowed: 200,
    body: () => ({ name: 'Matrix renamed source' }),
  },
  'DELETE /api/v1/data-sources/{id}': { decision: 'admin:settings.manage', allowed: 204 },
  'POST /api/v1/data-sources/{id}/test': { decision: 'admin:settings.manage', allowed: 200 },
  'GET /api/v1/settings/ldap': { decision: 'admin:settings.manage', allowed: 200 },
  'PUT /api/v1/settings/ldap': {
    validatesFirst: true,
    decision: 'admin:settings.manage',
    allowed: 200,
    body: () => ({
      url: 'ldaps://127.0.0.1:9',
      bindDn: 'cn=matrix,dc=example,dc=test',
      bindPassword: 'matrix-secret',
      userBase: 'ou=people,dc=example,dc=test',
    }),
  },
  'DELETE /api/v1/settings/ldap': { decision: 'admin:settings.manage', allowed: 204 },
  'GET /api/v1/settings/oidc': { decision: 'admin:settings.manage', allowed: 200 },
  'PUT /api/v1/settings/oidc': {
    validatesFirst: true,
    decision: 'admin:settings.manage',
    allowed: 200,
    body: () => ({
      name: 'Matrix SSO',
      issuer: 'https://127.0.0.1:9',
      clientId: 'matrix',
      clientSecret: 'matrix-secret',
      publicUrl: 'https://planner.example.test',
    }),
  },
  'DELETE /api/v1/settings/oidc': { decision: 'admin:settings.manage', allowed: 204 },
  // Single sign-on begins and ends without a login; both send the browser on (to the UI when
  // there is no provider, or the sign-in cannot go on).
  'GET /api/v1/session/oidc': { decision: 'public', allowed: 200 },
  'GET /api/v1/session/oidc/start': { decision: 'public', allowed: 303 },
  'GET /api/v1/session/oidc/callback': { decision: 'public', allowed: 303 },
  'POST /api/v1/settings/ldap/test': { decision: 'admin:settings.manage', allowed: 200 },
};
