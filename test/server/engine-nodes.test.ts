// Two `taskplanner serve` processes sharing one PostgreSQL schema: every occurrence is claimed
// by exactly one node, none is lost when one node dies (SIGKILL), and no run executes twice.
// The `record` job of test/fixtures/engine-plugin.ts counts executions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { readRecords } from '../fixtures/engine-plugin.ts';
import { createTestSchema, postgresUnavailable, TEST_DATABASE_URL } from '../support/postgres.ts';
import {
  basicAuth,
  describeOutput,
  httpJson,
  startServer,
  tempDir,
  waitFor,
  type ProcessEnv,
  type ServerProcess,
  EVERY_SECOND_TRIGGER,
} from '../support/processes.ts';

const PASSWORD = 'engine-nodes-boss-1';
const TASKS = 20;
/** First-attempt runs per task while both nodes run, then after node b died. */
const RUNS_TOGETHER = 8;
const RUNS_ALONE = 4;
const SECOND = 1_000;

/** Every running server of this file, so `after` can stop the ones a failed test left. */
const running = new Set<ServerProcess>();

after(async () => {
  await Promise.all([...running].map((server) => server.stop()));
});

function postgresUrl(schema: string): string {
  const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  return `${TEST_DATABASE_URL}${separator}options=-c%20search_path%3D${schema}`;
}

/** Polls until check() holds (bounded), failing with what state() says about the state then. */
async function until(check: () => Promise<boolean>, what: string, state: () => Promise<string>) {
  if (await waitFor(check, { timeoutMs: 30_000 })) return;
  assert.fail(`${what} within 30 s; ${await state()}`);
}

const everySecond = (records: string, index: number) => ({
  name: `every second ${index}`,
  timezone: 'UTC',
  triggers: [EVERY_SECOND_TRIGGER],
  jobs: [{ kind: 'record', config: { dir: records } }],
  policy: { misfire: 'all', overlap: 'parallel' },
});

/** Occurrences missing between the first and the last first attempt of each task. */
function gapsOf(rows: ReadonlyArray<{ task_id: string; scheduled_for: string }>): string[] {
  const byTask = new Map<string, number[]>();
  for (const row of rows) {
    byTask.set(row.task_id, [...(byTask.get(row.task_id) ?? []), Number(row.scheduled_for)]);
  }
  const gaps: string[] = [];
  for (const [taskId, times] of byTask) {
    times.sort((a, b) => a - b);
    for (let at = (times[0] ?? 0) + SECOND; at < (times.at(-1) ?? 0); at += SECOND) {
      if (!times.includes(at)) gaps.push(`${taskId} ${new Date(at).toISOString()}`);
    }
  }
  return gaps;
}

const unavailable = (await postgresUnavailable()) ?? false;

describe('two servers on one PostgreSQL schema, one killed', { skip: unavailable }, () => {
  const records = tempDir('nodes-records');
  const dataA = tempDir('nodes-a');
  const dataB = tempDir('nodes-b');
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let db: pg.Client;

  before(async () => {
    schema = await createTestSchema('nodes');
    db = new pg.Client({ connectionString: postgresUrl(schema.schema) });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await schema?.drop();
    for (const dir of [records, dataA, dataB]) dir.remove();
  });

  async function rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await db.query(sql, values)).rows as T[];
  }

  /** Per task, how many first attempts were queued after `since`; and which nodes ran any. */
  async function progress(since: number) {
    const counts = await rows<{ count: string }>(
      `select count(*) from runs where attempt = 1 and queued_at > $1 group by task_id`,
      [since],
    );
    const nodes = await rows<{ node: string }>(`select distinct node from runs order by node`);
    return { counts: counts.map((row) => Number(row.count)), nodes: nodes.map((row) => row.node) };
  }

  async function reached(since: number, runs: number, nodes: readonly string[]) {
    const now = await progress(since);
    return (
      now.counts.length === TASKS &&
      now.counts.every((count) => count >= runs) &&
      nodes.every((node) => now.nodes.includes(node))
    );
  }

  it(
    'claims every occurrence exactly once, loses none when a node dies, and runs each once',
    { timeout: 60_000 },
    async () => {
      const common: ProcessEnv = {
        TASKPLANNER_DATABASE_URL: postgresUrl(schema.schema),
        TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
        TASKPLANNER_SECRET: 'engine-nodes-shared-secret-0123456789',
        TASKPLANNER_PLUGINS: './test/fixtures/engine-plugin.ts',
        TASKPLANNER_LEASE_SECONDS: '2',
      };
      const [a, b] = await Promise.all([
        startServer({ ...common, TASKPLANNER_DATA_DIR: dataA.path, TASKPLANNER_NODE_NAME: 'a' }),
        startServer({ ...common, TASKPLANNER_DATA_DIR: dataB.path, TASKPLANNER_NODE_NAME: 'b' }),
      ]);
      running.add(a).add(b);
      for (let index = 0; index < TASKS; index++) {
        const created = await httpJson(`${a.url}/api/v1/tasks`, {
          authorization: basicAuth('admin', PASSWORD),
          body: everySecond(records.path, index),
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      await until(
        () => reached(0, RUNS_TOGETHER, ['a', 'b']),
        `${RUNS_TOGETHER} runs of each task, by both nodes`,
        async () => JSON.stringify(await progress(0)),
      );

      b.child.kill('SIGKILL');
      assert.equal((await b.exited).signal, 'SIGKILL');
      running.delete(b);
      const killedAt = Date.now();
      const swept = async () =>
        (await rows(`select id from runs where status in ('queued', 'running') and node = 'b'`))
          .length === 0;
      await until(
        async () => (await reached(killedAt, RUNS_ALONE, ['a'])) && (await swept()),
        `${RUNS_ALONE} more runs of each task by node a alone, and node b's runs swept`,
        async () => JSON.stringify(await progress(killedAt)),
      );
      const exit = await a.stop();
      running.delete(a);
      assert.deepEqual(exit, { code: 0, signal: null }, describeOutput(a.stdout(), a.stderr()));

      const duplicates = await rows(
        `select task_id, trigger_id, scheduled_for, count(*) from runs
        where attempt = 1 group by 1, 2, 3 having count(*) > 1`,
      );
      assert.deepEqual(duplicates, [], 'no occurrence claimed twice');
      const firstAttempts = await rows<{ task_id: string; scheduled_for: string }>(
        `select task_id, scheduled_for from runs where attempt = 1`,
      );
      assert.deepEqual(gapsOf(firstAttempts), [], 'no occurrence lost');
      const outcomes = await rows<{ node: string | null; status: string }>(
        `select distinct node, status from runs order by node, status`,
      );
      // Node a, stopping, gives back what it reserved ahead to the triggers; one decided alone
      // (later occurrences had their runs) may wait queued for the next node.
      const allowed = (row: { node: string | null; status: string }) =>
        row.status === 'succeeded' ||
        (row.node === 'b' && row.status === 'interrupted') ||
        (row.node === null && row.status === 'queued');
      assert.deepEqual(
        outcomes.filter((row) => !allowed(row)),
        [],
        JSON.stringify(outcomes),
      );
      assert.deepEqual(
        [...new Set(outcomes.flatMap((row) => (row.node === null ? [] : [row.node])))],
        ['a', 'b'],
        'both nodes ran some',
      );

      const executed = (await readRecords(records.path)).map((line) => line.runId);
      assert.equal(new Set(executed).size, executed.length, 'no run executed twice');
      const succeeded = await rows<{ id: string }>(
        `select id from runs where status = 'succeeded'`,
      );
      const ran = new Set(executed);
      assert.deepEqual(
        succeeded.filter((run) => !ran.has(run.id)),
        [],
        'every succeeded run executed',
      );
    },
  );
});
