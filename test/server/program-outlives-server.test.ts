// Programs of command jobs die with the `taskplanner serve` process that started them (issue 11): a
// server killed with SIGKILL takes its programs, and what they started, along within a second, so
// the retry of the interrupted run after a restart runs alone; with TASKPLANNER_RUN_AS and
// TASKPLANNER_RUN_GIDS also a process that left the program's group with setsid.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  basicAuth,
  httpJson,
  startServer,
  tempDir,
  waitFor,
  type ProcessEnv,
  type ServerProcess,
} from '../support/processes.ts';
import { ensureRunUser, RUN_AS_SKIP, RUN_USER } from '../support/program-user.ts';

const PASSWORD = 'outlives-boss-password-4e1c';
const AUTHORIZATION = basicAuth('admin', PASSWORD);
/** Group ids for the runs; nothing else on a test machine uses them. */
const GIDS = '64230-64239';
/** How long after the server's SIGKILL its programs may still live. */
const DIES_WITHIN_MS = 1_000;

/**
 * Appends "<run id> <pid>" to the pids file ($1) for the program and a child in its group, and,
 * given a third argument, for a child that left the group with setsid (once it has).
 */
const SCRIPT = [
  'echo "$2 $$" >> "$1"',
  'sleep 60 & echo "$2 $!" >> "$1"',
  'if [ -n "$3" ]; then',
  '  setsid sleep 60 &',
  `  until [ "$(cut -d' ' -f6 /proc/$!/stat)" = "$!" ]; do sleep 0.05; done`,
  '  echo "$2 $!" >> "$1"',
  'fi',
  'wait',
].join('\n');

interface RunView {
  id: string;
  status: string;
  attempt: number;
  retryOf: string | null;
}

/** Every running server of this file and every pid a program wrote, so `after` can clean up. */
const running = new Set<ServerProcess>();
const seen = new Set<number>();

/** Whether pid is still one of the programs of this file (its number may have been reused). */
function ours(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.join(' ').startsWith('sleep 60') || argv.includes(SCRIPT);
  } catch {
    return false;
  }
}

after(async () => {
  await Promise.all([...running].map((server) => server.stop()));
  // What a failed test left running.
  for (const pid of [...seen].filter(ours)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended meanwhile.
    }
  }
});

/** Whether the process exists and is not a zombie (dead, waiting for its parent). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s*[ZX]/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids the programs wrote, by run id. */
function pidsByRun(file: string): Map<string, number[]> {
  const byRun = new Map<string, number[]>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return byRun;
  }
  for (const line of text.split('\n')) {
    const [runId, pid] = line.split(' ');
    if (runId === undefined || pid === undefined) continue;
    seen.add(Number(pid));
    byRun.set(runId, [...(byRun.get(runId) ?? []), Number(pid)]);
  }
  return byRun;
}

async function start(env: ProcessEnv): Promise<ServerProcess> {
  const server = await startServer({
    TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
    TASKPLANNER_LEASE_SECONDS: '2',
    ...env,
  });
  running.add(server);
  return server;
}

async function call<T>(server: ServerProcess, path: string, body?: unknown) {
  return httpJson<T>(`${server.url}${path}`, {
    authorization: AUTHORIZATION,
    ...(body === undefined ? {} : { body }),
  });
}

/** Creates the task running SCRIPT (with an escaped child when escape is set) and starts it. */
async function startSleeper(server: ServerProcess, pids: string, escape: boolean) {
  const args = ['-c', SCRIPT, 'sh', pids, '{run.id}', ...(escape ? ['escape'] : [])];
  const task = await call<{ id: string }>(server, '/api/v1/tasks', {
    name: 'sleeper',
    enabled: false,
    jobs: [{ id: 'sleep', kind: 'command', config: { program: '/bin/sh', arguments: args } }],
    policy: { retries: 1, retryBackoffSeconds: 1 },
  });
  assert.equal(task.status, 201, JSON.stringify(task.body));
  const run = await call<{ runId: string }>(server, `/api/v1/tasks/${task.body.id}/run`, {});
  assert.equal(run.status, 202, JSON.stringify(run.body));
  return { taskId: task.body.id, runId: run.body.runId };
}

/** Waits until the run's program has written count pids; resolves with them. */
async function pidsOf(file: string, runId: string, count: number): Promise<number[]> {
  const written = await waitFor(() => (pidsByRun(file).get(runId)?.length ?? 0) >= count, {
    timeoutMs: 30_000,
    intervalMs: 20,
  });
  assert.ok(
    written,
    `run ${runId} wrote ${count} pids; the file has ${JSON.stringify([...pidsByRun(file)])}`,
  );
  return pidsByRun(file).get(runId) ?? [];
}

/** SIGKILLs the server and asserts that none of pids lives a second later. */
async function killAndExpectDead(server: ServerProcess, pids: readonly number[]): Promise<void> {
  assert.deepEqual(
    pids.filter((pid) => !alive(pid)),
    [],
    'every process runs before the kill',
  );
  const killedAt = Date.now();
  server.child.kill('SIGKILL');
  const exit = await server.exited;
  running.delete(server);
  assert.equal(exit.signal, 'SIGKILL');
  await waitFor(() => !pids.some(alive), {
    timeoutMs: DIES_WITHIN_MS - (Date.now() - killedAt),
    intervalMs: 20,
  });
  const elapsed = Date.now() - killedAt;
  assert.deepEqual(
    pids.filter(alive),
    [],
    `the programs of the killed server were still alive ${elapsed} ms after its SIGKILL`,
  );
}

describe('a server killed with SIGKILL', () => {
  it(
    'takes its programs along, so that the retry after a restart runs alone',
    { timeout: 90_000 },
    async () => {
      const data = tempDir('outlives-data');
      const scratch = tempDir('outlives-pids');
      const pids = join(scratch.path, 'pids');
      try {
        const first = await start({ TASKPLANNER_DATA_DIR: data.path });
        const { taskId, runId } = await startSleeper(first, pids, false);
        const firstPids = await pidsOf(pids, runId, 2);
        await killAndExpectDead(first, firstPids);

        const second = await start({ TASKPLANNER_DATA_DIR: data.path });
        let retryId: string | undefined;
        const retried = await waitFor(
          () => {
            retryId = [...pidsByRun(pids).keys()].find((id) => id !== runId);
            return retryId !== undefined;
          },
          { timeoutMs: 30_000, intervalMs: 10 },
        );
        assert.ok(retried, 'the retry started its program');
        assert.deepEqual(
          firstPids.filter(alive),
          [],
          'no process of the first attempt lives as the retry starts',
        );
        const runs = await call<{ items: RunView[] }>(second, `/api/v1/runs?taskId=${taskId}`);
        const byId = new Map(runs.body.items.map((run) => [run.id, run]));
        assert.equal(byId.get(runId)?.status, 'interrupted', JSON.stringify(runs.body));
        assert.deepEqual(
          [byId.get(retryId ?? '')?.attempt, byId.get(retryId ?? '')?.retryOf],
          [2, runId],
        );
        await killAndExpectDead(second, await pidsOf(pids, retryId ?? '', 2));
      } finally {
        data.remove();
        scratch.remove();
      }
    },
  );
});

describe(
  'a server with TASKPLANNER_RUN_AS and TASKPLANNER_RUN_GIDS killed with SIGKILL',
  { skip: RUN_AS_SKIP },
  () => {
    it(
      "takes along a process that left its program's group with setsid",
      { timeout: 60_000 },
      async () => {
        ensureRunUser();
        const base = tempDir('outlives-isolated');
        try {
          // The run user must reach the program folder and the pids file.
          chmodSync(base.path, 0o755);
          const shared = join(base.path, 'shared');
          mkdirSync(shared);
          chmodSync(shared, 0o777);
          const pids = join(shared, 'pids');
          const server = await start({
            TASKPLANNER_DATA_DIR: join(base.path, 'data'),
            TASKPLANNER_PROGRAM_DIR: join(base.path, 'programs'),
            TASKPLANNER_RUN_AS: RUN_USER,
            TASKPLANNER_RUN_GIDS: GIDS,
          });
          const { runId } = await startSleeper(server, pids, true);
          await killAndExpectDead(server, await pidsOf(pids, runId, 3));
        } finally {
          base.remove();
        }
      },
    );
  },
);
