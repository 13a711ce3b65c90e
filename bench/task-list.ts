// How fast the task list answers with 10,000 tasks: what the web UI asks for each page.
// npm run bench:task-list [sqlite|postgres]
import { bootstrapAdmin } from '../src/auth/bootstrap-admin.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services.ts';
import {
  benchRegistry,
  benchStore,
  dropSchema,
  insertTasks,
  percentile,
} from './engine-fixture.ts';

const TASKS = 10_000;
const SAMPLES = 30;
const PASSWORD = 'bench-password-1';

const schedule = (index: number) => ({
  id: 'trigger-1',
  kind: 'time',
  config: {
    start: '2026-01-05T00:00',
    intervals: [
      { kind: 'weeks', every: 1 + (index % 3), weekdays: ['MO', 'WE'], times: ['09:00'] },
    ],
  },
});

/** p50 and p99 in ms of calling one URL SAMPLES times. */
async function timeUrl(call: () => Promise<void>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`;
}

async function bench(kind: 'sqlite' | 'postgres'): Promise<void> {
  const { store, location } = await benchStore(kind);
  try {
    const services = createServices(store, {
      defaultTimezone: 'UTC',
      sessionHours: 12,
      httpBasic: true,
      secretKey: 'a key for the secrets of task planner benchmarks',
    });
    await bootstrapAdmin(store, services.catalog, PASSWORD, new Date());
    const admin = await store.users.getWithSecretByLogin('admin');
    if (!admin) throw new Error('no admin');
    await insertTasks(
      store,
      benchRegistry(),
      TASKS,
      (index) => ({ triggers: [schedule(index)], jobs: [] }),
      admin.id,
      Date.now(),
    );
    const app = await buildApp({
      services,
      config: { bodyLimitBytes: 1 << 20, trustProxy: false, https: false, timezone: 'UTC' },
      logger: false,
      version: 'bench',
    });
    const authorization = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const get = async (url: string) => {
      const response = await app.inject({ method: 'GET', url, headers: { authorization } });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
      return JSON.parse(response.body) as { nextCursor: string | null };
    };
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      cursor = (
        await get(`/api/v1/tasks?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).nextCursor;
    }
    const deep = `/api/v1/tasks?limit=50&cursor=${encodeURIComponent(cursor ?? '')}`;
    console.log(
      `${kind}, ${TASKS} tasks (the list the UI shows, 50 a page, with lastRun, nextRunAt, startsWhen):`,
    );
    console.log(
      `  first page:      ${await timeUrl(async () => void (await get('/api/v1/tasks?limit=50')))}`,
    );
    console.log(`  page 101:        ${await timeUrl(async () => void (await get(deep)))}`);
    console.log(
      `  search "bench 99": ${await timeUrl(async () => void (await get('/api/v1/tasks?limit=50&q=bench%2099')))}`,
    );
    await app.close();
  } finally {
    await store.close();
    await dropSchema(location.schema);
  }
}

const kinds = process.argv[2]
  ? [process.argv[2] as 'sqlite' | 'postgres']
  : (['sqlite', 'postgres'] as const);
for (const kind of kinds) await bench(kind);
