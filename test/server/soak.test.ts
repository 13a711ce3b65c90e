// A multi-node soak (issue 11), short enough for CI: two `taskplanner serve` nodes on one PostgreSQL
// schema run 20 tasks due every second for about 25 s, one node is killed with SIGKILL on the way
// and restarted. Then, per task, every occurrence has exactly one run record, no run and no
// occurrence executed twice, and no program of the killed node outlived it. The `record` job of
// test/fixtures/engine-plugin.ts counts executions; programs write their pids into a folder.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { readRecords, type RecordLine } from '../fixtures/engine-plugin.ts';
import { backends } from '../support/backends.ts';
import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.ts';
import {
  basicAuth,
  describeOutput,
  httpJson,
  startServer,
  tempDir,
  waitFor,
  type Exit,
  type ProcessEnv,
  type ServerProcess,
  EVERY_SECOND_TRIGGER,
} from '../support/processes.ts';

const PASSWORD = 'soak-boss-password-7d2f';
const SECRET = 'soak-test-secret-shared-by-both-nodes-0123456789';
const PLUGIN = './test/fixtures/engine-plugin.ts';
const NODES = ['soak-a', 'soak-b'] as const;
type NodeName = (typeof NODES)[number];
const SECOND = 1_000;
/** How long the tasks run before the kill, and after the restart (scenario times, not waits). */
const BEFORE_KILL_MS = 10_000;
const AFTER_RESTART_MS = 15_000;
/** How long after the SIGKILL the programs of the killed node may still live. */
const DIES_WITHIN_MS = 1_000;
/** How late after its task was created the first occurrence may be (none lost at the start). */
const FIRST_WITHIN_MS = 2_000;
/** How long the sleepers sleep: longer than a second, so their overlap policy skips some. */
const SLEEP_MS = 1_500;

/** The kinds of task of the soak, and how many of each (20 in all). */
const MIX = { parallel: 14, sleeper: 4, program: 2 } as const;
type Kind = keyof typeof MIX;

/**
 * The program of the `program` tasks: appends "<run id> <pid>" to the pids file ($1) for itself
 * and for a long child in its group, then waits for the child, so it runs at the kill.
 */
const SCRIPT = ['echo "$2 $$" >> "$1"', 'sleep 20 & echo "$2 $!" >> "$1"', 'wait'].join('\n');

interface RunView {
  id: string;
  taskId: string;
  triggerId: string | null;
  cause: string;
  status: string;
  reason: string | null;
  attempt: number;
  retryOf: string | null;
  node: string | null;
  scheduledFor: string | null;
  /** How many occurrences of its trigger the record stands for (missing before issue 11). */
  occurrences?: number;
  queuedAt: string;
}

type Dir = ReturnType<typeof tempDir>;

interface SoakTask {
  id: string;
  kind: Kind;
  name: string;
  createdAt: number;
}

/** What the check right after the SIGKILL saw. */
interface KillCheck {
  victim: NodeName;
  /** The runs of the program tasks the killed node ran, and the pids their programs wrote. */
  runs: string[];
  pids: number[];
  /** Of those, the ones that lived just before the kill, and DIES_WITHIN_MS after it. */
  aliveBefore: number[];
  stillAlive: number[];
  elapsedMs: number;
}

/** Every running server and every pid a program wrote, so `after` can clean up. */
const running = new Set<ServerProcess>();
const seenPids = new Set<number>();

function postgresUrl(schema: string): string {
  const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  return `${TEST_DATABASE_URL}${separator}options=-c%20search_path%3D${schema}`;
}

/** Whether pid is still one of the programs of this file (its number may have been reused). */
function ours(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.join(' ').startsWith('sleep 20') || argv.includes(SCRIPT);
  } catch {
    return false;
  }
}

/** Whether the process exists, is not a zombie (dead, waiting for its parent), and is ours. */
function alive(pid: number): boolean {
  try {
    if (/^State:\s*[ZX]/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) return false;
  } catch {
    return false;
  }
  return ours(pid);
}

/** The pids the programs wrote into the files of dir, by run id. */
function pidsByRun(dir: string): Map<string, number[]> {
  const byRun = new Map<string, number[]>();
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const [runId, pid] = line.split(' ');
      if (runId === undefined || pid === undefined || pid === '') continue;
      seenPids.add(Number(pid));
      byRun.set(runId, [...(byRun.get(runId) ?? []), Number(pid)]);
    }
  }
  return byRun;
}

/** Polls read() until done() holds (bounded); fails with what it saw last. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  let value: T | undefined;
  const reached = await waitFor(async () => done((value = await read())), {
    timeoutMs,
    intervalMs: 250,
  });
  assert.ok(reached, `${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(value)}`);
  return value as T;
}

const isActive = (run: RunView) => run.status === 'queued' || run.status === 'running';

/** A run record in the terms a defect report needs. */
function brief(run: RunView): string {
  const { scheduledFor, status, reason, node, occurrences, attempt, id } = run;
  return JSON.stringify({ id, scheduledFor, status, reason, node, occurrences, attempt });
}

function seconds(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i * SECOND);
}

const iso = (at: number) => new Date(at).toISOString();

const backend = (await backends()).find((candidate) => candidate.name === 'postgres');

describe(
  'a soak of two PostgreSQL nodes, one killed with SIGKILL and restarted',
  { skip: backend?.skip ?? 'no PostgreSQL backend' },
  () => {
    // Made in `before`, so that a skipped run leaves no folders behind.
    const made: Dir[] = [];
    const folder = (label: string) => {
      const dir = tempDir(label);
      made.push(dir);
      return dir.path;
    };
    const data: Record<NodeName, string> = { 'soak-a': '', 'soak-b': '' };
    let recordsDir = '';
    let pidsDir = '';
    let drop: (() => Promise<void>) | undefined;
    let authorization = basicAuth('admin', PASSWORD);
    const tasks: SoakTask[] = [];
    const runsBy = new Map<string, RunView[]>();
    let lines: RecordLine[] = [];
    let killCheck: KillCheck | undefined;
    const exits: { node: string; exit: Exit; output: string }[] = [];
    /** Whether the API left out `occurrences` (then a first attempt counts as 1). */
    let occurrencesMissing = false;

    const occurrencesOf = (run: RunView): number => {
      if (typeof run.occurrences === 'number') return run.occurrences;
      occurrencesMissing = true;
      return run.retryOf === null ? 1 : 0;
    };

    async function call<T>(server: ServerProcess, path: string, method = 'GET', body?: unknown) {
      return httpJson<T>(`${server.url}${path}`, { authorization, method, body });
    }

    async function start(node: NodeName, databaseUrl: string): Promise<ServerProcess> {
      const env: ProcessEnv = {
        TASKPLANNER_PLUGINS: PLUGIN,
        TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
        TASKPLANNER_SECRET: SECRET,
        TASKPLANNER_LEASE_SECONDS: '2',
        TASKPLANNER_DATABASE_URL: databaseUrl,
        TASKPLANNER_DATA_DIR: data[node],
        TASKPLANNER_NODE_NAME: node,
      };
      const server = await startServer(env);
      running.add(server);
      return server;
    }

    /** Every run of a task, following nextCursor. */
    async function runsOf(server: ServerProcess, taskId: string): Promise<RunView[]> {
      const all: RunView[] = [];
      let cursor: string | null = null;
      do {
        const page: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const listed: { status: number; body: { items: RunView[]; nextCursor: string | null } } =
          await call<{ items: RunView[]; nextCursor: string | null }>(
            server,
            `/api/v1/runs?taskId=${taskId}&limit=500${page}`,
          );
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        all.push(...listed.body.items);
        cursor = listed.body.nextCursor;
      } while (cursor !== null);
      return all;
    }

    const runsOfAll = (server: ServerProcess, ids: readonly string[]) =>
      Promise.all(ids.map((id) => runsOf(server, id)));

    function definition(kind: Kind, name: string) {
      const record = { id: 'record', kind: 'record', config: { dir: recordsDir } };
      const jobs = {
        parallel: [record],
        sleeper: [record, { id: 'sleep', kind: 'sleep', config: { ms: SLEEP_MS } }],
        program: [
          record,
          {
            id: 'program',
            kind: 'command',
            config: {
              program: '/bin/sh',
              arguments: ['-c', SCRIPT, 'sh', join(pidsDir, '{task.id}'), '{run.id}'],
            },
          },
        ],
      }[kind];
      return {
        name,
        timezone: 'UTC',
        triggers: [{ id: 'every-second', ...EVERY_SECOND_TRIGGER }],
        jobs,
        policy: { overlap: kind === 'parallel' ? 'parallel' : 'skip', retries: 0 },
      };
    }

    /**
     * Kills the node as a crash would and checks, within DIES_WITHIN_MS of the kill, that no
     * program a run of that node started still lives.
     */
    async function killAndCheck(victim: ServerProcess, name: NodeName, survivor: ServerProcess) {
      const programTasks = tasks.filter((task) => task.kind === 'program').map((task) => task.id);
      const livingBefore = new Set([...pidsByRun(pidsDir).values()].flat().filter(alive));
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      const exit = await victim.exited;
      running.delete(victim);
      assert.equal(exit.signal, 'SIGKILL');
      // Which runs the killed node ran: the survivor's view of the program tasks' runs.
      const victimRuns = (await runsOfAll(survivor, programTasks))
        .flat()
        .filter((run) => run.node === name)
        .map((run) => run.id);
      const byRun = pidsByRun(pidsDir);
      const victimPids = victimRuns.flatMap((id) => byRun.get(id) ?? []);
      await waitFor(() => !victimPids.some(alive), {
        timeoutMs: Math.max(0, DIES_WITHIN_MS - (Date.now() - killedAt)),
        intervalMs: 20,
      });
      killCheck = {
        victim: name,
        runs: victimRuns,
        pids: victimPids,
        aliveBefore: victimPids.filter((pid) => livingBefore.has(pid)),
        stillAlive: victimPids.filter(alive),
        elapsedMs: Date.now() - killedAt,
      };
    }

    before(
      async () => {
        for (const node of NODES) data[node] = folder(`${node}-data`);
        recordsDir = folder('soak-records');
        pidsDir = folder('soak-pids');
        const schema = await createTestSchema('soak');
        drop = schema.drop;
        const url = postgresUrl(schema.schema);
        // Both at the same moment: one migrates, the other waits for it.
        const nodes = new Map<NodeName, ServerProcess>(
          await Promise.all(NODES.map(async (node) => [node, await start(node, url)] as const)),
        );
        const first = nodes.get('soak-a') as ServerProcess;
        // A token, so that polling does not hash the password on every request.
        const token = await call<{ token: string }>(first, '/api/v1/tokens', 'POST', {
          name: 'soak',
        });
        assert.equal(token.status, 201, JSON.stringify(token.body));
        authorization = `Bearer ${token.body.token}`;

        let index = 0;
        for (const [kind, count] of Object.entries(MIX) as [Kind, number][]) {
          for (let i = 1; i <= count; i++) {
            const name = `soak ${kind} ${i}`;
            // Created on either node, in turn.
            const via = nodes.get(NODES[index++ % 2] as NodeName) as ServerProcess;
            const created = await call<{ id: string; createdAt: string }>(
              via,
              '/api/v1/tasks',
              'POST',
              definition(kind, name),
            );
            assert.equal(created.status, 201, JSON.stringify(created.body));
            tasks.push({
              id: created.body.id,
              kind,
              name,
              createdAt: Date.parse(created.body.createdAt),
            });
          }
        }
        const ids = tasks.map((task) => task.id);
        const programTasks = tasks.filter((task) => task.kind === 'program').map((task) => task.id);

        await delay(BEFORE_KILL_MS);
        // The node to kill runs a program that has written its pids (soak-a when both do), so
        // that the check after the kill has programs to look at.
        const withProgram = await until(
          async () => {
            const written = pidsByRun(pidsDir);
            return (await runsOfAll(first, programTasks))
              .flat()
              .filter((run) => run.status === 'running' && (written.get(run.id)?.length ?? 0) >= 2)
              .map((run) => run.node);
          },
          (names) => names.length > 0,
          'a program running with its pids written',
        );
        const victimName = withProgram.includes('soak-a') ? 'soak-a' : (withProgram[0] as NodeName);
        const survivorName = NODES.find((node) => node !== victimName) as NodeName;
        const survivor = nodes.get(survivorName) as ServerProcess;
        await killAndCheck(nodes.get(victimName) as ServerProcess, victimName, survivor);

        nodes.set(victimName, await start(victimName, url));
        await delay(AFTER_RESTART_MS);

        for (const id of ids) {
          const disabled = await call(survivor, `/api/v1/tasks/${id}/disable`, 'POST');
          assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
        }
        // The programs sleep up to 20 s more.
        const settled = await until(
          () => runsOfAll(survivor, ids),
          (lists) => !lists.flat().some(isActive),
          'every run ended after the tasks were disabled',
          60_000,
        );
        ids.forEach((id, i) => runsBy.set(id, settled[i] ?? []));

        for (const [node, server] of nodes) {
          const exit = await server.stop();
          running.delete(server);
          exits.push({ node, exit, output: describeOutput(server.stdout(), server.stderr()) });
        }
        lines = await readRecords(recordsDir);

        const all = [...runsBy.values()].flat();
        const occurrences = all.reduce((sum, run) => sum + occurrencesOf(run), 0);
        const perNode = (node: string | null) => {
          const ran = all.filter((run) => run.node === node);
          const ids = new Set(ran.map((run) => run.id));
          return `${node ?? 'none'} ${ran.length} runs/${lines.filter((line) => ids.has(line.runId)).length} executions`;
        };
        console.log(
          `soak: ${tasks.length} tasks, ${occurrences} occurrences, ${all.length} records, ` +
            `${lines.length} executions, ${all.filter((run) => run.status === 'skipped').length} skipped, ` +
            `${all.filter((run) => run.status === 'interrupted').length} interrupted; ` +
            `${[...NODES, null].map(perNode).join(', ')}; killed ${killCheck?.victim} ` +
            `(${killCheck?.pids.length} pids of ${killCheck?.runs.length} runs, ` +
            `${killCheck?.stillAlive.length} alive ${killCheck?.elapsedMs} ms after)` +
            (occurrencesMissing ? '; the API has no `occurrences`: counted as 1' : ''),
        );
      },
      { timeout: 120_000 },
    );

    after(async () => {
      await Promise.all([...running].map((server) => server.stop()));
      // What a failed test left running.
      for (const pid of [...seenPids].filter(alive)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Ended meanwhile.
        }
      }
      await drop?.();
      for (const dir of made) dir.remove();
    });

    it('accounts for every occurrence of every task with exactly one record', () => {
      const problems: string[] = [];
      for (const task of tasks) {
        const runs = (runsBy.get(task.id) ?? []).filter((run) => run.cause === 'schedule');
        const owner = new Map<number, RunView>();
        for (const run of runs) {
          const at = Date.parse(run.scheduledFor ?? '');
          if (!Number.isFinite(at) || at % SECOND !== 0) {
            problems.push(`${task.name}: a record not on a whole second: ${brief(run)}`);
            continue;
          }
          for (const second of seconds(at, occurrencesOf(run))) {
            const other = owner.get(second);
            if (other) {
              problems.push(
                `${task.name}: ${iso(second)} has two records: ${brief(other)} and ${brief(run)}`,
              );
            } else owner.set(second, run);
          }
        }
        const covered = [...owner.keys()].sort((a, b) => a - b);
        const firstAt = covered[0];
        const lastAt = covered.at(-1);
        if (firstAt === undefined || lastAt === undefined) {
          problems.push(`${task.name}: no record at all`);
          continue;
        }
        if (firstAt > task.createdAt + FIRST_WITHIN_MS || firstAt < task.createdAt - SECOND) {
          problems.push(
            `${task.name}: created ${iso(task.createdAt)}, its first occurrence recorded is ${iso(firstAt)}`,
          );
        }
        const missing = seconds(firstAt, (lastAt - firstAt) / SECOND + 1).filter(
          (second) => !owner.has(second),
        );
        if (missing.length > 0) {
          const around = runs
            .filter((run) => {
              const at = Date.parse(run.scheduledFor ?? '');
              return at >= (missing[0] ?? 0) - 3 * SECOND && at <= (missing.at(-1) ?? 0) + SECOND;
            })
            .sort((a, b) => Date.parse(a.scheduledFor ?? '') - Date.parse(b.scheduledFor ?? ''));
          problems.push(
            `${task.name}: no record for ${missing.map(iso).join(', ')}; the records around: ${around.map(brief).join(', ')}`,
          );
        }
      }
      assert.deepEqual(problems, []);
    });

    it('executes each run at most once, and each occurrence at most once', () => {
      const problems: string[] = [];
      const runById = new Map([...runsBy.values()].flat().map((run) => [run.id, run]));
      const executions = new Map<string, number>();
      for (const { runId } of lines) executions.set(runId, (executions.get(runId) ?? 0) + 1);
      for (const [id, count] of executions) {
        const run = runById.get(id);
        if (!run) problems.push(`an execution of ${id}, which is no run of the soak's tasks`);
        else if (count > 1) problems.push(`${count} executions of ${brief(run)}`);
        else if (run.status === 'skipped') problems.push(`the skipped run executed: ${brief(run)}`);
      }
      for (const run of runById.values()) {
        if (run.status === 'succeeded' && executions.get(run.id) !== 1)
          problems.push(
            `a succeeded run executed ${executions.get(run.id) ?? 0} times: ${brief(run)}`,
          );
      }
      // Per occurrence: the runs for one (task, scheduledFor), across attempts, and the runs whose
      // occurrences cover one second.
      const byKey = new Map<string, RunView[]>();
      const add = (key: string, run: RunView) => byKey.set(key, [...(byKey.get(key) ?? []), run]);
      for (const id of executions.keys()) {
        const run = runById.get(id);
        if (!run || run.scheduledFor === null) continue;
        add(`${run.taskId} ${run.triggerId} ${run.scheduledFor} (scheduledFor)`, run);
        for (const second of seconds(Date.parse(run.scheduledFor), occurrencesOf(run)))
          add(`${run.taskId} ${run.triggerId} ${iso(second)} (covered)`, run);
      }
      for (const [key, runs] of byKey) {
        if (runs.length > 1)
          problems.push(`${key}: executed by ${runs.length} runs: ${runs.map(brief).join(', ')}`);
      }
      assert.deepEqual(problems, []);
    });

    it('lets no program outlive the node killed with SIGKILL', () => {
      assert.ok(killCheck, 'the kill happened');
      assert.ok(
        killCheck.aliveBefore.length > 0,
        `the killed node ran programs at the kill: ${JSON.stringify(killCheck)}`,
      );
      assert.deepEqual(
        killCheck.stillAlive,
        [],
        `programs of ${killCheck.victim} alive ${killCheck.elapsedMs} ms after its SIGKILL: ${JSON.stringify(killCheck)}`,
      );
    });

    it('leaves no program running at the end', () => {
      const left = [...pidsByRun(pidsDir)].flatMap(([runId, list]) =>
        list.filter(alive).map((pid) => `${pid} (run ${runId})`),
      );
      assert.deepEqual(left, []);
    });

    it('stops both nodes cleanly with SIGTERM', () => {
      for (const { node, exit, output } of exits)
        assert.deepEqual(exit, { code: 0, signal: null }, `${node}\n${output}`);
      assert.equal(exits.length, NODES.length);
    });
  },
);
