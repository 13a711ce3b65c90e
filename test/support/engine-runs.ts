import assert from 'node:assert/strict';
import type { EngineApp } from './engine-app.ts';

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
  startedAt: string | null;
  finishedAt: string | null;
  chain: string[];
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

/** The task's runs once there are at least `count` (runs of one claim appear together). */
export function runsUntil(t: EngineApp, taskId: string, count: number): Promise<RunView[]> {
  return eventually(`${count} runs of task ${taskId}`, async () => {
    const runs = await runsOf(t, taskId);
    return runs.length >= count ? runs : undefined;
  });
}
