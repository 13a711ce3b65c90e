import assert from 'node:assert/strict';
import type { ComponentOutcome, Run } from '../../src/domain/run.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { LiveRun } from '../../src/engine/live-runs.ts';
import type { ApiClient } from './api-client.ts';
import type { EngineApp } from './engine-app.ts';
import { happenedOrNextEvent, nextEvent } from './engine-events.ts';

/** A run as GET /api/v1/runs shows it (the fields the engine tests read). */
export interface RunView {
  id: string;
  taskId: string;
  status: string;
  reason: string | null;
  cause: string;
  attempt: number;
  retryOf: string | null;
  scheduledFor: string | null;
  occurrences: number;
  startedAt: string | null;
  finishedAt: string | null;
  chain: string[];
}

/** A time trigger every minute on the minute, in UTC, from the engine apps' start. */
export const EVERY_MINUTE = {
  kind: 'time',
  config: {
    timezone: 'UTC',
    start: '2026-03-02T08:00',
    intervals: [{ kind: 'minutes', every: 1 }],
  },
};

/** Creates a task as the admin (in UTC) and returns its id. */
export async function createTask(t: EngineApp, body: Record<string, unknown>): Promise<string> {
  const created = await t.admin.post('/api/v1/tasks', { name: 'engine', timezone: 'UTC', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** Starts a run of the task as the admin and returns its id. */
export async function runManually(t: EngineApp, taskId: string): Promise<string> {
  const started = await t.admin.post(`/api/v1/tasks/${taskId}/run`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.runId;
}

/** The task's runs, oldest first. */
export async function runsOf(t: EngineApp, taskId: string): Promise<RunView[]> {
  const listed = await t.admin.get(`/api/v1/runs?taskId=${taskId}&limit=100`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return [...listed.body.items].reverse();
}

/** Polls (bounded) for something that has no event to await. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The ids of the next `count` runs of the task the engine claims, on its "claimed" events.
 * Call it before what makes them due (the clock's advance), then await it.
 */
export async function claimsOf(engine: Engine, taskId: string, count = 1): Promise<string[]> {
  const ids: string[] = [];
  await nextEvent(engine, 'claimed', (runs) => {
    ids.push(...runs.filter((run) => run.taskId === taskId).map((run) => run.runId));
    return ids.length >= count;
  });
  return ids;
}

/** The run once it executes on this node (at once if it does): its "started" event. */
export async function executing(t: EngineApp, runId: string): Promise<LiveRun> {
  const live = () => t.engine.live.get(runId);
  await happenedOrNextEvent(
    t.engine,
    'started',
    (id) => id === runId,
    () => live() !== undefined,
  );
  const run = live();
  assert.ok(run, `run ${runId} started but is no longer executing`);
  return run;
}

/** Resolves once the log of the run executing here has a line with the text: its "log" events. */
export async function logShows(t: EngineApp, runId: string, text: string): Promise<void> {
  await happenedOrNextEvent(
    t.engine,
    'log',
    (id, lines) => id === runId && lines.includes(text),
    () => t.engine.live.get(runId)?.log.text.includes(text) === true,
  );
}

/** The task's runs once there are at least `count` (runs of one claim appear together). */
export function runsUntil(t: EngineApp, taskId: string, count: number): Promise<RunView[]> {
  return eventually(`${count} runs of task ${taskId}`, async () => {
    const runs = await runsOf(t, taskId);
    return runs.length >= count ? runs : undefined;
  });
}

/** Creates a task as client, starts it at once (with parameters) and resolves with the ended run. */
export async function runTask(
  t: EngineApp,
  client: ApiClient,
  task: Record<string, unknown>,
  parameters?: Record<string, string>,
): Promise<Run> {
  const created = await client.post('/api/v1/tasks', { name: 'Engine task', ...task });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await client.post(
    `/api/v1/tasks/${created.body.id}/run`,
    parameters ? { parameters } : undefined,
  );
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return t.ended(started.body.runId);
}

/** A component's outcome in the run's first item, by component id. */
export function componentOf(run: Run, id: string): ComponentOutcome {
  const found = run.items[0]?.components.find((component) => component.id === id);
  assert.ok(found, `no component ${id} in ${JSON.stringify(run.items)}`);
  return found;
}

/** The outcome of the run's only action. */
export function actionOutcome(run: Run): ComponentOutcome {
  const actions = run.items
    .flatMap((item) => item.components)
    .filter((c) => c.category === 'action');
  assert.equal(actions.length, 1, JSON.stringify(run.items));
  return actions[0] as ComponentOutcome;
}

/** The run's log as text. */
export async function runLog(client: ApiClient, run: Run): Promise<string> {
  const log = await client.get(`/api/v1/runs/${run.id}/log`);
  assert.equal(log.status, 200);
  return String(log.body);
}

/** Moves the clock and lets the engine look for due work at once. */
export async function tick(t: EngineApp, ms: number): Promise<void> {
  await t.clock.advance(ms);
  t.engine.wake();
}

/** Stops the engine and starts it again on the same store, as a restarted server would. */
export async function restart(t: EngineApp): Promise<void> {
  await t.stopEngine();
  await t.restartEngine();
}
