// The occurrences behind a claim that lags leave a trace: a task every second runs a program of
// 8 s (overlap "skip"), and another process holds the SQLite file exclusively for 3 s meanwhile.
// Every second of the schedule must be in exactly one run record, those behind the lock too.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  basicAuth,
  httpJson,
  startServer,
  tempDir,
  waitFor,
  type ServerProcess,
  EVERY_SECOND_TRIGGER,
} from '../support/processes.ts';

const PASSWORD = 'claim-lag-boss-1';
const AUTHORIZATION = basicAuth('admin', PASSWORD);
const SECOND = 1_000;

interface RunView {
  scheduledFor: string | null;
  status: string;
  reason: string | null;
  occurrences: number;
  cause: string;
}

let server: ServerProcess | undefined;
const data = tempDir('claim-lag');
after(async () => {
  await server?.stop();
  data.remove();
});

async function call<T>(path: string, method = 'GET', body?: unknown) {
  return httpJson<T>(`${server?.url}${path}`, { authorization: AUTHORIZATION, method, body });
}

async function runsOf(taskId: string): Promise<RunView[]> {
  const listed = await call<{ items: RunView[] }>(`/api/v1/runs?taskId=${taskId}&limit=500`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items;
}

it('accounts for the occurrences behind a locked database', { timeout: 60_000 }, async () => {
  server = await startServer({
    TASKPLANNER_DATA_DIR: data.path,
    TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
  });
  const created = await call<{ id: string }>('/api/v1/tasks', 'POST', {
    name: 'every second, 8 s each',
    timezone: 'UTC',
    triggers: [EVERY_SECOND_TRIGGER],
    jobs: [{ kind: 'command', config: { program: 'sleep', arguments: ['8'] } }],
    policy: { overlap: 'skip' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const taskId = created.body.id;
  await waitFor(async () => (await runsOf(taskId)).some((run) => run.status === 'running'), {
    timeoutMs: 10_000,
  });
  await delay(1_500); // a few occurrences skipped the usual way first
  const outsider = new Database(join(data.path, 'taskplanner.db'));
  outsider.exec('begin exclusive');
  await delay(3_000); // the lock itself, not an outcome to wait for
  outsider.exec('rollback');
  outsider.close();
  await delay(2_500); // occurrences after the lock
  const disabled = await call(`/api/v1/tasks/${taskId}/disable`, 'POST');
  assert.equal(disabled.status, 200, JSON.stringify(disabled.body));

  const runs = (await runsOf(taskId)).filter((run) => run.cause === 'schedule');
  const seconds = runs
    .flatMap((run) => {
      const from = Date.parse(run.scheduledFor ?? '');
      return Array.from({ length: run.occurrences }, (_, i) => from + i * SECOND);
    })
    .sort((a, b) => a - b);
  const first = seconds[0] ?? 0;
  const expected = Array.from({ length: seconds.length }, (_, i) => first + i * SECOND);
  const shown = (list: number[]) => list.map((at) => new Date(at).toISOString());
  assert.deepEqual(
    shown(seconds),
    shown(expected),
    `every second in exactly one record: ${JSON.stringify(runs)}`,
  );
  assert.ok(seconds.length >= 7, `the seconds covered: ${seconds.length}`);
  assert.ok(
    runs.some((run) => run.status === 'skipped' && run.occurrences > 1),
    `the lock made one record stand for several seconds: ${JSON.stringify(runs)}`,
  );
});
