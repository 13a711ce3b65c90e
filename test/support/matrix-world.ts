import assert from 'node:assert/strict';
import { outboxMessageOf } from '../../src/mail/outbox-message.ts';
import type { ApiClient } from './api-client.ts';
import type { EngineApp } from './engine-app.ts';
import type { AdminPermission, MatrixIds } from './matrix-decisions.ts';
import { passwordOf } from './test-app.ts';

/** A user of the matrix, with their password (to log in afresh) and a session. */
export interface MatrixUser {
  id: string;
  login: string;
  password: string;
  client: ApiClient;
}

/** A planner user's own objects: a task with a hook, its ended run with a file, a token. */
export interface OwnedObjects {
  task: string;
  taskRevision: number;
  run: string;
  artifact: string;
  token: string;
  hook: string;
}

/** The users and objects the matrix calls every route with. */
export interface MatrixWorld {
  /** User A (taskplanner): owns the objects in ids. */
  owner: MatrixUser;
  /** User B (taskplanner, no administrative permission): has objects of their own. */
  other: MatrixUser;
  otherObjects: OwnedObjects;
  /** User C: logged in, holds no permission at all. */
  outsider: MatrixUser;
  /** One user per administrative permission, holding it and taskplanner. */
  holders: Record<AdminPermission, MatrixUser>;
  ids: MatrixIds;
}

const ADMIN_PERMISSIONS: readonly AdminPermission[] = [
  'users.manage',
  'settings.manage',
  'audit.read',
  'taskplanner.admin',
  'mail.manage',
];

async function makeUser(t: EngineApp, login: string, permissions: string[]): Promise<MatrixUser> {
  const { id, client } = await t.user(login, permissions);
  return { id, login, password: passwordOf(login), client };
}

/** The id of the object a 201 answer made. */
function createdId(response: { status: number; body: any }): string {
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return String(response.body.id);
}

/** Creates a task with an HTTP trigger and a file job as the user, runs it to its end. */
async function ownObjects(t: EngineApp, client: ApiClient, name: string): Promise<OwnedObjects> {
  const created = await client.post('/api/v1/tasks', {
    name,
    triggers: [{ id: 'web', kind: 'http', config: {} }],
    jobs: [{ id: 'out', kind: 'file', config: { name: 'out.txt', content: `${name} output` } }],
  });
  const task = createdId(created);
  const started = await client.post(`/api/v1/tasks/${task}/run`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const run = await t.ended(String(started.body.runId));
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  const view = await client.get(`/api/v1/runs/${run.id}`);
  const artifact = view.body.results.find((result: any) => result.artifactId)?.artifactId;
  assert.ok(artifact, `the run has a file: ${JSON.stringify(view.body.results)}`);
  const token = createdId(await client.post('/api/v1/tokens', { name: `${name} token` }));
  const hookPath = String(created.body.hooks[0]?.path);
  return {
    task,
    taskRevision: Number(created.body.revision),
    run: run.id,
    artifact: String(artifact),
    token,
    hook: hookPath.slice('/hooks/'.length),
  };
}

/**
 * A message of the run in the outbox that has failed: queued a year ahead (so no node tries it
 * meanwhile), claimed and settled here. Only a retry makes it due.
 */
async function failedMessage(t: EngineApp, runId: string): Promise<string> {
  const { outbox } = t.services.store;
  const at = t.clock.now() + 365 * 24 * 3_600_000;
  const content = Buffer.from('Subject: Matrix\r\n\r\nA message of the matrix\r\n');
  const mail = { messageId: '<matrix@example.com>', content, subject: 'Matrix', server: null };
  const outgoing = { ...mail, sender: 'planner@example.com', recipients: ['bob@example.com'] };
  const origin = { runId, taskId: null, ownerId: null, purpose: 'action' as const };
  const message = outboxMessageOf(outgoing, origin, t.services.box, at, 24);
  await outbox.add([message], 'queued');
  const [claimed] = await outbox.claim({
    node: 'matrix',
    token: 'matrix',
    now: at,
    expiresAt: at + 1,
    limit: 1,
  });
  assert.equal(claimed?.entry.id, message.id);
  const recipients = [{ address: 'bob@example.com', state: 'failed' as const, response: '550 No' }];
  const settled = {
    state: 'failed' as const,
    recipients,
    lastError: '550 No',
    nextAttemptAt: null,
    finishedAt: at,
  };
  assert.ok(await outbox.settle(message.id, 'matrix', settled));
  return message.id;
}

/** Makes the users and objects: A's task, run, artifact, token, hook; the admin's others. */
export async function buildMatrixWorld(t: EngineApp): Promise<MatrixWorld> {
  const planner = ['taskplanner', 'trigger.http'];
  const owner = await makeUser(t, 'matrix-a', planner);
  const other = await makeUser(t, 'matrix-b', planner);
  const outsider = await makeUser(t, 'matrix-c', []);
  const holders = {} as Record<AdminPermission, MatrixUser>;
  for (const permission of ADMIN_PERMISSIONS) {
    const login = `matrix-${permission.replace('.', '-')}`;
    holders[permission] = await makeUser(t, login, ['taskplanner', permission]);
  }
  const own = await ownObjects(t, owner.client, 'Matrix task of A');
  const otherObjects = await ownObjects(t, other.client, 'Matrix task of B');
  const admin = t.admin;
  const visitor = { login: 'matrix-visitor', password: 'visiting-only-7' };
  createdId(await admin.post('/api/v1/users', { ...visitor, permissions: [] }));
  const user = createdId(
    await admin.post('/api/v1/users', {
      login: 'matrix-d',
      password: 'fourth-user-pass-4',
      permissions: ['taskplanner'],
    }),
  );
  const group = createdId(await admin.post('/api/v1/groups', { name: 'Matrix group' }));
  const dataSource = createdId(
    await admin.post('/api/v1/data-sources', {
      name: 'Matrix source',
      kind: 'sqlite',
      location: '/nonexistent/matrix.sqlite',
      access: { everyone: true, userIds: [], groupIds: [] },
    }),
  );
  const me = { login: owner.login, password: owner.password };
  const message = await failedMessage(t, own.run);
  const ids: MatrixIds = {
    ownerId: owner.id,
    ...own,
    user,
    group,
    dataSource,
    message,
    visitor,
    me,
  };
  return { owner, other, otherObjects, outsider, holders, ids };
}
