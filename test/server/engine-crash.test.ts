// The engine across a crash, with real `taskplanner serve` processes: a server killed with SIGKILL
// leaves its runs interrupted and retried, and the occurrences due while no server ran are handled
// per the misfire policy. The `record` job of test/fixtures/engine-plugin.ts counts executions.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { readRecords, type RecordLine } from '../fixtures/engine-plugin.ts';
import { backends, type Backend } from '../support/backends.ts';
import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.ts';
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

const PASSWORD = 'engine-crash-boss-1';
const AUTHORIZATION = basicAuth('admin', PASSWORD);
const PLUGIN = './test/fixtures/engine-plugin.ts';
/** Long enough that the kill lands while the first attempts sleep; the retries sleep it too. */
const SLEEP_MS = 5_000;
/** How long no server runs in the misfire tests. */
const DOWNTIME_MS = 4_000;
/**
 * Occurrences the killed server could not run: at least the seconds of the downtime but the two
 * it may have begun early (what it had reserved ahead and not begun goes back to the trigger, and
 * the restarted server handles it per the misfire policy like every other due occurrence).
 */
const MISSED_AT_LEAST = DOWNTIME_MS / 1000 - 2;
const SECOND = 1_000;

interface RunView {
  id: string;
  taskId: string;
  triggerId: string | null;
  status: string;
  reason: string | null;
  attempt: number;
  retryOf: string | null;
  node: string | null;
  scheduledFor: string | null;
  queuedAt: string;
}

/** Every running server of this file, so `after` can stop the ones a failed test left. */
const running = new Set<ServerProcess>();

after(async () => {
  await Promise.all([...running].map((server) => server.stop()));
});

async function start(env: ProcessEnv): Promise<ServerProcess> {
  const server = await startServer({
    TASKPLANNER_PLUGINS: PLUGIN,
    TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
    TASKPLANNER_LEASE_SECONDS: '2',
    ...env,
  });
  running.add(server);
  return server;
}

/** Kills the server as a crash would: no shutdown, no lease released, no end written. */
async function kill(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  const exit = await server.exited;
  running.delete(server);
  assert.equal(exit.signal, 'SIGKILL');
}

/** Stops the server with SIGTERM and checks that it shut down cleanly. */
async function stop(server: ServerProcess): Promise<void> {
  const exit = await server.stop();
  running.delete(server);
  assert.deepEqual(
    exit,
    { code: 0, signal: null },
    describeOutput(server.stdout(), server.stderr()),
  );
}

function postgresUrl(schema: string): string {
  const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  return `${TEST_DATABASE_URL}${separator}options=-c%20search_path%3D${schema}`;
}

/** A fresh store of the backend's kind (as server variables), a folder for record lines, cleanup. */
async function freshStore(backend: Backend, label: string) {
  const data = tempDir(`${label}-data`);
  const records = tempDir(`${label}-records`);
  const schema = backend.name === 'postgres' ? await createTestSchema(label) : null;
  const env: ProcessEnv = { TASKPLANNER_DATA_DIR: data.path };
  if (schema) env.TASKPLANNER_DATABASE_URL = postgresUrl(schema.schema);
  return {
    env,
    records: records.path,
    dispose: async () => {
      await schema?.drop();
      data.remove();
      records.remove();
    },
  };
}

async function call<T>(server: ServerProcess, path: string, method = 'GET', body?: unknown) {
  return httpJson<T>(`${server.url}${path}`, { authorization: AUTHORIZATION, method, body });
}

async function createTask(server: ServerProcess, body: Record<string, unknown>): Promise<string> {
  const created = await call<{ id: string }>(server, '/api/v1/tasks', 'POST', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

async function runsOf(server: ServerProcess, taskId: string): Promise<RunView[]> {
  const listed = await call<{ items: RunView[]; nextCursor: string | null }>(
    server,
    `/api/v1/runs?taskId=${taskId}&limit=500`,
  );
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  assert.equal(listed.body.nextCursor, null, 'all runs fit on one page');
  return listed.body.items;
}

const isActive = (run: RunView) => run.status === 'queued' || run.status === 'running';

/** Polls read() until done() holds (bounded); fails with what it saw last. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  let value: T | undefined;
  const reached = await waitFor(async () => done((value = await read())), { timeoutMs });
  assert.ok(reached, `${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(value)}`);
  return value as T;
}

/** How many times each run id was executed, per the record lines. */
function executionsByRun(records: readonly RecordLine[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { runId } of records) counts.set(runId, (counts.get(runId) ?? 0) + 1);
  return counts;
}

for (const backend of await backends()) {
  describe(`a server killed while runs execute, on ${backend.name}`, { skip: backend.skip }, () => {
    let store: Awaited<ReturnType<typeof freshStore>>;
    before(async () => {
      store = await freshStore(backend, 'crash');
    });
    after(() => store?.dispose());

    it(
      'leaves its runs interrupted; each is retried once, and no run executes twice',
      { timeout: 60_000 },
      async () => {
        const first = await start({ ...store.env, TASKPLANNER_NODE_NAME: 'first' });
        const taskId = await createTask(first, {
          name: 'sleepers',
          enabled: false,
          jobs: [
            { kind: 'record', config: { dir: store.records } },
            { kind: 'sleep', config: { ms: SLEEP_MS } },
          ],
          policy: { overlap: 'parallel', retries: 1, retryBackoffSeconds: 1 },
        });
        const started: string[] = [];
        for (let i = 0; i < 3; i++) {
          const run = await call<{ runId: string }>(first, `/api/v1/tasks/${taskId}/run`, 'POST');
          assert.equal(run.status, 202, JSON.stringify(run.body));
          started.push(run.body.runId);
        }
        await until(
          async () => executionsByRun(await readRecords(store.records)),
          (executions) => started.every((id) => executions.has(id)),
          'the three runs executing',
        );
        await kill(first);

        const second = await start({ ...store.env, TASKPLANNER_NODE_NAME: 'second' });
        const runs = await until(
          () => runsOf(second, taskId),
          (all) => all.length === 2 * started.length && !all.some(isActive),
          'the runs and one retry of each ended',
        );
        await stop(second);

        for (const id of started) {
          const original = runs.find((run) => run.id === id);
          assert.deepEqual(
            [original?.status, original?.attempt, original?.node],
            ['interrupted', 1, 'first'],
          );
          // Alone on its file, the restarted SQLite server knows what its predecessor left;
          // on PostgreSQL another node ('second') takes the runs over once their lease expired.
          const why =
            backend.name === 'sqlite' ? /^the server running it restarted$/ : /lease expired/;
          assert.match(original?.reason ?? '', why);
          const retries = runs.filter((run) => run.retryOf === id);
          assert.deepEqual(
            retries.map((run) => [run.status, run.attempt, run.node]),
            [['succeeded', 2, 'second']],
            JSON.stringify(runs),
          );
        }
        const executions = executionsByRun(await readRecords(store.records));
        assert.deepEqual(
          [...executions].sort(),
          runs.map((run): [string, number] => [run.id, 1]).sort(),
          'every run (first attempts and retries) executed exactly once',
        );
      },
    );
  });

  describe(`misfires after a downtime, on ${backend.name}`, { skip: backend.skip }, () => {
    const policies = ['once', 'all', 'skip'] as const;
    type Policy = (typeof policies)[number];
    let store: Awaited<ReturnType<typeof freshStore>>;
    const runsBy = new Map<Policy, RunView[]>();
    /** The occurrences of each task no server could run: every second while none ran. */
    const missedBy = new Map<Policy, number[]>();
    let records: RecordLine[] = [];

    /** The runs of a policy's task with an occurrence from `from` to `to`, oldest first. */
    function runsAt(policy: Policy, from: number, to: number): RunView[] {
      return (runsBy.get(policy) ?? [])
        .filter((run) => {
          const at = Date.parse(run.scheduledFor ?? '');
          return at >= from && at <= to;
        })
        .sort((a, b) => Date.parse(a.scheduledFor ?? '') - Date.parse(b.scheduledFor ?? ''));
    }

    function everySecond(policy: Policy) {
      return {
        name: `misfire ${policy}`,
        timezone: 'UTC',
        triggers: [EVERY_SECOND_TRIGGER],
        jobs: [{ kind: 'record', config: { dir: store.records } }],
        policy: { misfire: policy, misfireLimit: 100, overlap: 'parallel' },
      };
    }

    /** The seconds after the last occurrence the killed server claimed, until the restart. */
    function missedSeconds(runs: readonly RunView[], killedAt: number): number[] {
      const claimed = runs
        .filter((run) => Date.parse(run.queuedAt) < killedAt + DOWNTIME_MS / 2)
        .map((run) => Date.parse(run.scheduledFor ?? ''));
      assert.ok(claimed.length > 0, `the killed server ran some: ${JSON.stringify(runs)}`);
      const seconds: number[] = [];
      for (let at = Math.max(...claimed) + SECOND; at <= killedAt + DOWNTIME_MS; at += SECOND)
        seconds.push(at);
      return seconds;
    }

    const listAll = (server: ServerProcess, ids: readonly string[]) =>
      Promise.all(ids.map((id) => runsOf(server, id)));

    /**
     * Waits until the restarted server claimed what was missed and one occurrence more, then
     * disables the tasks, waits until every run ended and stops it: the runs are then final.
     */
    async function settle(server: ServerProcess, ids: readonly string[], killedAt: number) {
      const restarted = (run: RunView) => Date.parse(run.queuedAt) > killedAt + DOWNTIME_MS / 2;
      await until(
        () => listAll(server, ids),
        (lists) => lists.every((runs) => runs.filter(restarted).length >= 2),
        'the restarted server claiming the missed occurrences and one more',
      );
      for (const id of ids) {
        const disabled = await call(server, `/api/v1/tasks/${id}/disable`, 'POST');
        assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      }
      const settled = await until(
        () => listAll(server, ids),
        (lists) => !lists.flat().some(isActive),
        'every run ended',
      );
      await stop(server);
      return settled;
    }

    before(
      async () => {
        store = await freshStore(backend, 'misfire');
        // "skip" runs occurrences less than 1 s late; older ones are missed.
        const env = { ...store.env, TASKPLANNER_MISFIRE_GRACE_SECONDS: '1' };
        const first = await start(env);
        const ids: string[] = [];
        for (const policy of policies) ids.push(await createTask(first, everySecond(policy)));
        await until(
          () => listAll(first, ids),
          // Begun, not only claimed ahead: what was only reserved goes back to the trigger.
          (lists) =>
            lists.every((runs) => runs.filter((run) => run.status !== 'queued').length >= 2),
          'two runs of each task begun before the crash',
        );
        await kill(first);
        const killedAt = Date.now();
        await delay(DOWNTIME_MS); // the downtime itself, not an outcome to wait for
        const settled = await settle(await start(env), ids, killedAt);
        policies.forEach((policy, i) => {
          runsBy.set(policy, settled[i] ?? []);
          missedBy.set(policy, missedSeconds(settled[i] ?? [], killedAt));
        });
        records = await readRecords(store.records);
      },
      { timeout: 60_000 },
    );
    after(() => store?.dispose());

    it('"once" runs one run for the whole downtime, saying how many were due', () => {
      const missed = missedBy.get('once') ?? [];
      const first = missed[0] ?? 0;
      assert.ok(missed.length >= MISSED_AT_LEAST, `missed: ${missed.length}`);
      const [covering, ...others] = runsAt('once', first, first + 100 * SECOND);
      assert.equal(covering?.scheduledFor, new Date(first).toISOString(), JSON.stringify(covering));
      assert.equal(covering?.status, 'succeeded');
      const note = new RegExp(
        `^(\\d+) occurrences were due since ${covering?.scheduledFor}; ran once \\(misfire policy "once"\\)$`,
      );
      assert.match(covering?.reason ?? 'no reason', note, 'the run says how many were due');
      const due = Number(note.exec(covering?.reason ?? '')?.[1]);
      assert.ok(due >= missed.length, `${covering?.reason} (${missed.length} missed)`);
      const coveredUntil = first + (due - 1) * SECOND;
      assert.deepEqual(
        others.filter((run) => Date.parse(run.scheduledFor ?? '') <= coveredUntil),
        [],
        'no other run for the occurrences it stands for',
      );
      assert.equal(records.filter((line) => line.runId === covering?.id).length, 1);
    });

    it('"all" runs one run per missed second', () => {
      const missed = missedBy.get('all') ?? [];
      assert.ok(missed.length >= MISSED_AT_LEAST, `missed: ${missed.length}`);
      const late = runsAt('all', missed[0] ?? 0, missed.at(-1) ?? 0);
      assert.deepEqual(
        late.map((run) => [run.scheduledFor, run.status]),
        missed.map((at) => [new Date(at).toISOString(), 'succeeded']),
      );
      const executions = executionsByRun(records);
      assert.deepEqual(
        late.map((run) => executions.get(run.id)),
        missed.map(() => 1),
        'each executed once',
      );
    });

    it('"skip" records the occurrences older than the grace as one skipped run, and runs the rest', () => {
      const missed = missedBy.get('skip') ?? [];
      const first = missed[0] ?? 0;
      const [skipped, ...others] = runsAt('skip', first, first + 100 * SECOND);
      assert.equal(skipped?.scheduledFor, new Date(first).toISOString(), JSON.stringify(skipped));
      assert.equal(skipped?.status, 'skipped');
      const note = new RegExp(
        `^(\\d+) occurrences from ${skipped?.scheduledFor} were missed while no server ran them \\(misfire policy "skip"\\)$`,
      );
      assert.match(skipped?.reason ?? 'no reason', note, 'the run says how many were missed');
      const count = Number(note.exec(skipped?.reason ?? '')?.[1]);
      // All but the last second of the downtime are surely more than 1 s late at the restart.
      assert.ok(count >= missed.length - 1, `${skipped?.reason} (${missed.length} missed)`);
      const [next] = others;
      assert.equal(
        next?.scheduledFor,
        new Date(first + count * SECOND).toISOString(),
        'the first occurrence within the grace runs, none before it',
      );
      assert.equal(next?.status, 'succeeded');
      assert.ok(!records.some((line) => line.runId === skipped?.id), 'the skipped run never ran');
    });

    it('claims each occurrence once and executes each run at most once', () => {
      const all = [...runsBy.values()].flat();
      const firstAttempts = all.filter((run) => run.attempt === 1 && run.scheduledFor !== null);
      const keys = firstAttempts.map((run) => `${run.taskId} ${run.triggerId} ${run.scheduledFor}`);
      assert.equal(new Set(keys).size, keys.length, 'no occurrence has two first attempts');
      const executions = executionsByRun(records);
      assert.deepEqual(
        [...executions.values()].filter((count) => count > 1),
        [],
        'no run executed twice',
      );
      const succeeded = all.filter((run) => run.status === 'succeeded');
      assert.deepEqual(
        succeeded.filter((run) => executions.get(run.id) !== 1),
        [],
        'every succeeded run executed once',
      );
    });
  });
}
