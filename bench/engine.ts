// Engine benchmarks: start lateness, run throughput, start-up with many tasks.
// Run: npm run bench:engine [lateness-single|lateness-10k-sqlite|lateness-10k-postgres|throughput-sqlite|throughput-postgres|startup]...
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { orderedId } from '../src/domain/ordered-id.ts';
import type { RunStatus } from '../src/domain/run.ts';
import type { StoreLocation } from '../src/store/open-store.ts';
import type { NewRun, Store } from '../src/store/store.ts';
import {
  benchOwner,
  benchRegistry,
  benchStore,
  dropSchema,
  insertTasks,
  lateness,
  percentile,
  startBenchEngine,
} from './engine-fixture.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const everySecond = {
  kind: 'time',
  id: 't',
  config: {
    start: '2026-01-01T00:00',
    timezone: 'UTC',
    intervals: [{ kind: 'cron', expression: '* * * * * *' }],
  },
};
const probe = { id: 'j', kind: 'probe', config: {}, condition: null };

/** One task firing every second: how late each run's job starts. */
async function latenessSingle(): Promise<void> {
  const { store } = await benchStore('sqlite');
  const owner = await benchOwner(store);
  await insertTasks(
    store,
    benchRegistry(),
    1,
    () => ({ triggers: [everySecond], jobs: [probe] }),
    owner,
    Date.now(),
  );
  lateness.length = 0;
  const { stop } = await startBenchEngine(store, 'single');
  await new Promise((resolve) => setTimeout(resolve, 30_500));
  await stop();
  const samples = lateness.slice(1); // the first may be a catch-up of the second the engine started in
  console.log(
    `lateness, one task every second (SQLite, ${samples.length} runs): p50 ${percentile(samples, 50)} ms, p99 ${percentile(samples, 99)} ms, max ${Math.max(...samples)} ms`,
  );
  await store.close();
}

/** 10,000 tasks due in the same second: how late each starts, and when the last one started. */
async function latenessMany(kind: 'sqlite' | 'postgres'): Promise<void> {
  const { store, location } = await benchStore(kind);
  const owner = await benchOwner(store);
  const at = new Date(Date.now() + 20_000);
  at.setUTCMilliseconds(0);
  const once = {
    kind: 'time',
    id: 't',
    config: {
      start: '2026-01-01T00:00',
      timezone: 'UTC',
      intervals: [{ kind: 'once', at: at.toISOString().slice(0, 19) }],
    },
  };
  await insertTasks(
    store,
    benchRegistry(),
    10_000,
    () => ({ triggers: [once], jobs: [probe] }),
    owner,
    Date.now(),
  );
  lateness.length = 0;
  const { stop } = await startBenchEngine(store, 'many');
  while (lateness.length < 10_000 && Date.now() < at.getTime() + 30_000)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await stop();
  console.log(
    `lateness, 10,000 tasks due at once (${kind}, ${lateness.length} started): p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms, last started ${Math.max(...lateness)} ms after the due time`,
  );
  await store.close();
  await dropSchema(location.schema);
}

/** Queued runs with a no-op job, two per task (tasks allow parallel runs), all due at startAt. */
async function queueRuns(store: Store, count: number, startAt: number): Promise<void> {
  const owner = await benchOwner(store);
  const noop = { id: 'j', kind: 'noop', config: {}, condition: null };
  const policy = { overlap: 'parallel' } as const;
  const tasks = await insertTasks(
    store,
    benchRegistry(),
    count / 2,
    () => ({ triggers: [], jobs: [noop], policy }),
    owner,
    Date.now(),
  );
  for (let from = 0; from < count; from += 500) {
    const runs: NewRun[] = [];
    for (let index = from; index < Math.min(count, from + 500); index++) {
      const taskId = tasks[index % tasks.length] ?? '';
      runs.push({
        id: orderedId(Date.now()),
        taskId,
        ownerId: owner,
        triggerId: null,
        cause: 'api',
        scheduledFor: null,
        occurrences: 1,
        attempt: 1,
        retryOf: null,
        parameters: {},
        chain: [taskId],
        queuedAt: startAt,
        reason: null,
        reasonCode: null,
        entry: { state: 'ready', notBefore: startAt },
      });
    }
    await store.queue.insert(runs);
  }
}

/** A second node in its own process, ready to claim. */
async function childNode(location: StoreLocation): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'engine-node.ts'), JSON.stringify(location)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) =>
    child.stdout?.on('data', (data: Buffer) => data.toString().includes('ready') && resolve()),
  );
  return child;
}

/** Runs completed per second with a no-op job: runs queued to start at one instant, nodes in separate processes. */
async function throughput(kind: 'sqlite' | 'postgres', nodes: 1 | 2, count: number): Promise<void> {
  const { store, location } = await benchStore(kind);
  const startAt = Date.now() + 15_000;
  await queueRuns(store, count, startAt);
  const child = nodes === 2 ? await childNode(location) : null;
  const { stop } = await startBenchEngine(store, 'parent');
  await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
  const active = {
    scope: { kind: 'everyone' } as const,
    status: ['queued', 'running'] as RunStatus[],
    limit: 1,
  };
  do await new Promise((resolve) => setTimeout(resolve, 10));
  while ((await store.runs.list(active)).items.length > 0);
  const elapsed = Date.now() - startAt;
  const byNode: Record<string, number> = {};
  for (const run of (await store.runs.list({ scope: { kind: 'everyone' }, limit: count })).items) {
    byNode[run.node ?? '-'] = (byNode[run.node ?? '-'] ?? 0) + 1;
  }
  child?.kill('SIGTERM');
  await stop();
  const split = nodes === 2 ? ` (by node: ${JSON.stringify(byNode)})` : '';
  console.log(
    `throughput (${kind}, ${nodes} node${nodes > 1 ? 's' : ''}, ${count} runs): ${Math.round((count * 1000) / elapsed)} runs/s (${seconds(elapsed)})${split}`,
  );
  await store.close();
  await dropSchema(location.schema);
}

/** 100,000 enabled scheduled tasks: a fresh server process's start-up time and memory. */
async function startup(): Promise<void> {
  const { store, location } = await benchStore('sqlite');
  const owner = await benchOwner(store);
  const daily = (index: number) => ({
    kind: 'time',
    id: 't',
    config: {
      start: '2026-01-01T00:00',
      timezone: 'UTC',
      intervals: [
        {
          kind: 'days',
          times: [`${String(index % 24).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}`],
        },
      ],
    },
  });
  const noop = { id: 'j', kind: 'noop', config: {}, condition: null };
  const made = Date.now();
  await insertTasks(
    store,
    benchRegistry(),
    100_000,
    (index) => ({ triggers: [daily(index)], jobs: [noop] }),
    owner,
    Date.now(),
  );
  console.log(`(made 100,000 tasks in ${seconds(Date.now() - made)})`);
  await store.close();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'startup-probe.ts')],
    {
      env: {
        ...process.env,
        TASKPLANNER_DATA_DIR: location.dataDir,
        TASKPLANNER_PORT: '0',
        TASKPLANNER_LOG_LEVEL: 'warn',
        TASKPLANNER_ADMIN_PASSWORD: 'bench-password-1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  await new Promise((resolve) => child.on('exit', resolve));
}

const SECTIONS: Record<string, () => Promise<void>> = {
  'lateness-single': latenessSingle,
  'lateness-10k-sqlite': () => latenessMany('sqlite'),
  'lateness-10k-postgres': () => latenessMany('postgres'),
  'throughput-sqlite': () => throughput('sqlite', 1, 20_000),
  'throughput-postgres': async () => {
    await throughput('postgres', 1, 10_000);
    await throughput('postgres', 2, 10_000);
  },
  startup,
};

const chosen = process.argv.slice(2);
for (const [name, run] of Object.entries(SECTIONS)) {
  if (chosen.length === 0 || chosen.includes(name)) await run();
}
