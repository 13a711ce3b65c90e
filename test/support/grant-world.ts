import assert from 'node:assert/strict';
import type { ApiClient, ApiResponse } from './api-client.ts';
import type { EngineApp } from './engine-app.ts';
import { passwordOf, type TestApp } from './test-app.ts';

/** A level a grant gives, as the API spells it. */
export type Level = 'view' | 'run' | 'edit' | 'manage';

/** One entry of a task's rights list, as PUT /tasks/{id}/grants takes it. */
export interface Grant {
  subject: { type: 'user' | 'group'; id: string };
  level: Level;
}

/** A user made for a test, logged in. */
export interface Person {
  id: string;
  login: string;
  client: ApiClient;
}

/** A task shared for the route matrix, with an ended run that produced a file. */
export interface SharedTask {
  taskId: string;
  runId: string;
  artifactId: string;
  /** The rights list the task was given (PUT back unchanged by the manage route). */
  grants: Grant[];
}

/** A grant to a user. */
export function userGrant(id: string, level: Level): Grant {
  return { subject: { type: 'user', id }, level };
}

/** A grant to a group. */
export function groupGrant(id: string, level: Level): Grant {
  return { subject: { type: 'group', id }, level };
}

/** Creates a user through the API as admin (with extra fields, e.g. displayName) and logs in. */
export async function person(
  t: TestApp,
  login: string,
  permissions: string[],
  extra: Record<string, unknown> = {},
): Promise<Person> {
  const password = passwordOf(login);
  const created = await t.admin.post('/api/v1/users', { login, password, permissions, ...extra });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: created.body.id, login, client: await t.login(login, password) };
}

/** Creates a group with the members through the API as admin; returns its id. */
export async function makeGroup(t: TestApp, name: string, memberIds: string[]): Promise<string> {
  const created = await t.admin.post('/api/v1/groups', { name, memberIds });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** Creates a task as the client; returns its view. */
export async function createTask(
  client: ApiClient,
  body: Record<string, unknown>,
): Promise<Record<string, any>> {
  const created = await client.post('/api/v1/tasks', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

/** Replaces the task's rights list as the client. */
export function putGrants(
  client: ApiClient,
  taskId: string,
  grants: unknown,
): Promise<ApiResponse> {
  return client.put(`/api/v1/tasks/${taskId}/grants`, { grants });
}

/** Replaces the task's rights list as the client, which must succeed. */
export async function share(client: ApiClient, taskId: string, grants: Grant[]): Promise<void> {
  const put = await putGrants(client, taskId, grants);
  assert.equal(put.status, 200, JSON.stringify(put.body));
}

/** The task's rights list as the client reads it, without the names. */
export async function grantsOf(client: ApiClient, taskId: string): Promise<Grant[]> {
  const listed = await client.get(`/api/v1/tasks/${taskId}/grants`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.grants.map(({ subject, level }: Grant) => ({ subject, level }));
}

/** Starts a run of the task as the client, which must be accepted; returns the run's id. */
export async function startRun(client: ApiClient, taskId: string): Promise<string> {
  const started = await client.post(`/api/v1/tasks/${taskId}/run`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.runId;
}

/**
 * A task of the owner whose only job writes a file (it needs no permission), run once to its
 * end on the engine, then given the grants.
 */
export async function sharedTaskWithRun(
  t: EngineApp,
  owner: ApiClient,
  name: string,
  grants: Grant[],
): Promise<SharedTask> {
  const task = await createTask(owner, {
    name,
    jobs: [{ kind: 'file', config: { name: 'report.txt', content: `made by ${name}` } }],
  });
  const runId = await startRun(owner, task.id);
  const run = await t.ended(runId);
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  const artifactId = run.results[0]?.artifactId;
  assert.ok(artifactId, JSON.stringify(run.results));
  await share(owner, task.id, grants);
  return { taskId: task.id, runId, artifactId, grants };
}
