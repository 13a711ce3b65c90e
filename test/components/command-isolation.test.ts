// The command job with TASKPLANNER_RUN_AS: programs run as an unprivileged user, in a folder only
// their run may enter, cannot reach the server's data or environment, and leave nothing running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { isFinal, type RunStatus } from '../../src/domain/run.ts';
import { commandJob } from '../../src/plugins/builtin/jobs/command.ts';
import {
  isolatePrograms,
  prepareIsolation,
  type ProgramIsolation,
} from '../../src/plugins/builtin/programs/isolation.ts';
import { missingCapabilities } from '../../src/plugins/builtin/programs/program-user.ts';
import { RunGroups } from '../../src/plugins/builtin/programs/run-groups.ts';
import type { FileResult } from '../../src/plugins/results.ts';
import { componentHarness, logText, type ComponentHarness } from '../support/component-context.ts';
import { eventually } from '../support/engine-runs.ts';
import {
  basicAuth,
  describeOutput,
  httpJson,
  ROOT,
  runCli,
  startServer,
  tempDir,
  type ServerProcess,
} from '../support/processes.ts';
import { ensureRunUser, RUN_AS_SKIP, RUN_USER } from '../support/program-user.ts';

const PASSWORD = 'boss-password-isolation-7f3a';
/** Group ids for the runs; nothing else on a test machine uses them. */
const GIDS = { first: 64_200, last: 64_215 };

/** Whether the process exists and is not a zombie (Linux /proc). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The permission bits of a path. */
function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The run folders under a program folder. */
function runFolders(programs: string): string[] {
  return readdirSync(programs).filter((name) => name.startsWith('run-'));
}

/** A shell script as a command job: `sh -c script sh ...args`. */
function shellJob(id: string, script: string, args: readonly string[] = []) {
  return {
    id,
    kind: 'command',
    config: { program: '/bin/sh', arguments: ['-c', script, 'sh', ...args] },
  };
}

/** A shell line that waits until the last background process is a session leader (setsid ran). */
const UNTIL_ESCAPED = `until [ "$(cut -d' ' -f6 /proc/$!/stat)" = "$!" ]; do sleep 0.05; done`;

/** A run folder's name, as a crashed server would have left it. */
const LEFT_RUN_FOLDER = 'run-0b8f3c1e-5d2a-4c6b-9e7f-1a2b3c4d5e6f';

interface RunBody {
  id: string;
  status: RunStatus;
  reason: string | null;
  results: { name: string; artifactId?: string }[];
}

describe(
  'command jobs on a server with TASKPLANNER_RUN_AS and TASKPLANNER_RUN_GIDS',
  { skip: RUN_AS_SKIP },
  () => {
    let server: ServerProcess;
    let base: { path: string; remove(): void };
    let data: string;
    let programs: string;
    const authorization = basicAuth('admin', PASSWORD);

    const api = <T = any>(path: string, body?: unknown) =>
      httpJson<T>(`${server.url}${path}`, {
        authorization,
        ...(body === undefined ? {} : { body }),
      });

    /** Creates a task with these jobs and starts it; resolves with the run id. */
    async function start(jobs: unknown[], parameters?: Record<string, string>): Promise<string> {
      const task = await api<{ id: string }>('/api/v1/tasks', { name: 'Isolation', jobs });
      assert.equal(task.status, 201, JSON.stringify(task.body));
      const started = await api<{ runId: string }>(
        `/api/v1/tasks/${task.body.id}/run`,
        parameters ? { parameters } : {},
      );
      assert.equal(started.status, 202, JSON.stringify(started.body));
      return started.body.runId;
    }

    const log = async (runId: string) => String((await api(`/api/v1/runs/${runId}/log`)).body);

    async function ended(runId: string): Promise<RunBody> {
      return eventually(`run ${runId} to end`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const run = (await api<RunBody>(`/api/v1/runs/${runId}`)).body;
        return isFinal(run.status) ? run : undefined;
      });
    }

    /** Waits until the run's log matches pattern; resolves with the match. */
    function logged(runId: string, pattern: RegExp): Promise<RegExpExecArray> {
      return eventually(`run ${runId} to log ${pattern}`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return pattern.exec(await log(runId)) ?? undefined;
      });
    }

    async function runToEnd(jobs: unknown[]): Promise<{ run: RunBody; text: string }> {
      const run = await ended(await start(jobs));
      return { run, text: await log(run.id) };
    }

    before(async () => {
      ensureRunUser();
      base = tempDir('isolation');
      // The run user must be able to enter the program folder; the data folder closes itself.
      chmodSync(base.path, 0o755);
      data = join(base.path, 'data');
      programs = join(base.path, 'programs');
      // What a server that crashed would leave: a run's folder; and a folder that is not one.
      mkdirSync(join(programs, LEFT_RUN_FOLDER, 'output'), { recursive: true });
      mkdirSync(join(programs, 'not-a-run'));
      server = await startServer({
        TASKPLANNER_DATA_DIR: data,
        TASKPLANNER_PROGRAM_DIR: programs,
        TASKPLANNER_RUN_AS: RUN_USER,
        TASKPLANNER_RUN_GIDS: `${GIDS.first}-${GIDS.last}`,
        TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
      });
    });

    after(async () => {
      await server?.stop();
      base?.remove();
    });

    it('removes at start the run folders a previous server left, and nothing else', () => {
      assert.deepEqual(readdirSync(programs).sort(), ['not-a-run']);
    });

    it('keeps the data folder at 0700 and the database and key files at 0600', () => {
      assert.equal(mode(data).toString(8), '700');
      for (const name of [
        'taskplanner.db',
        'taskplanner.db-wal',
        'taskplanner.db-shm',
        'secret.key',
      ]) {
        assert.equal(mode(join(data, name)).toString(8), '600', name);
      }
    });

    it('runs the program as the user, with a group of its run, in a folder only that group may enter', async () => {
      const script = [
        'id -un',
        'echo "gid $(id -g)"',
        'stat -c "folder %U %g %a" ..',
        'stat -c "work %U %a" .',
        'echo "home $HOME tmp $TMPDIR"',
        'echo written > "$TASKPLANNER_OUTPUT_DIR/hello.txt"',
      ].join('; ');
      const { run, text } = await runToEnd([shellJob('who', script)]);

      assert.equal(run.status, 'succeeded', text);
      assert.match(text, new RegExp(`sh: ${RUN_USER}\\n`), text);
      const gid = Number(/sh: gid (\d+)/.exec(text)?.[1]);
      assert.ok(gid >= GIDS.first && gid <= GIDS.last, `gid ${gid} is in the range`);
      assert.match(text, new RegExp(`sh: folder root ${gid} 750`));
      assert.match(text, new RegExp(`sh: work ${RUN_USER} 700`));
      assert.match(text, /sh: home \/\S+\/home tmp \/\S+\/tmp/);
      // The server (root) still collects the files from the closed folder, then removes it.
      const [result] = run.results;
      assert.equal(result?.name, 'hello.txt');
      const file = await api(`/api/v1/runs/${run.id}/artifacts/${result?.artifactId}`);
      assert.equal(file.body, 'written\n');
      assert.deepEqual(runFolders(programs), []);
    });

    it("keeps the program away from the secret key, the database and the server's environment", async () => {
      const script = [
        'cat "$1/secret.key" && echo LEAK-key',
        // Not `:`: a failed redirection of a special built-in would end the shell.
        'true >> "$1/taskplanner.db" && echo LEAK-database',
        'ls "$1" && echo LEAK-folder',
        'tr "\\0" "\\n" < "/proc/$2/environ" && echo LEAK-environment',
        'exit 0',
      ].join('\n');
      const pid = String(server.child.pid);
      const { run, text } = await runToEnd([shellJob('snoop', script, [data, pid])]);

      assert.equal(run.status, 'succeeded', text);
      assert.doesNotMatch(text, /LEAK-/, text);
      assert.ok(!text.includes(PASSWORD), 'the admin password was not read');
      assert.equal(text.match(/Permission denied/g)?.length, 4, text);
    });

    it('keeps a program out of the folder and processes of another run that runs at the same time', async () => {
      const holder = await start([
        shellJob(
          'holder',
          'echo private-of-a > "$TASKPLANNER_OUTPUT_DIR/private.txt"; echo "folder $TASKPLANNER_OUTPUT_DIR pid $$"; exec sleep 120',
        ),
      ]);
      const [, folder = '', pid = ''] = await logged(holder, /sh: folder (\S+) pid (\d+)/);
      assert.ok(existsSync(join(folder, 'private.txt')), 'the other run has written its file');

      const script = [
        'cat "$1/private.txt" && echo LEAK-file',
        'ls "$(dirname "$1")" && echo LEAK-folder',
        'cat "/proc/$2/cwd/../output/private.txt" && echo LEAK-cwd',
        'tr "\\0" "\\n" < "/proc/$2/environ" && echo LEAK-environment',
        'exit 0',
      ].join('\n');
      const { run, text } = await runToEnd([shellJob('snoop', script, [folder, pid])]);
      assert.equal((await api(`/api/v1/runs/${holder}/cancel`, {})).status, 202);
      const held = await ended(holder);

      assert.equal(run.status, 'succeeded', text);
      assert.doesNotMatch(text, /LEAK-|private-of-a/, text);
      assert.equal(text.match(/Permission denied/g)?.length, 4, text);
      assert.equal(held.status, 'canceled');
      await eventually('the other run to be gone', async () =>
        alive(Number(pid)) ? undefined : true,
      );
    });

    it('kills what the program left running when it ends, in its process group or not (setsid)', async () => {
      const script = [
        'sleep 300 >/dev/null 2>&1 &',
        'echo "child $!"',
        'setsid sleep 300 >/dev/null 2>&1 &',
        UNTIL_ESCAPED,
        'echo "escaped $!"',
      ].join('\n');
      const { run, text } = await runToEnd([shellJob('leave', script)]);

      assert.equal(run.status, 'succeeded', text);
      for (const label of ['child', 'escaped']) {
        const pid = Number(new RegExp(`sh: ${label} (\\d+)`).exec(text)?.[1]);
        assert.ok(pid > 0, text);
        await eventually(`the ${label} process to be gone`, async () =>
          alive(pid) ? undefined : true,
        );
      }
      assert.deepEqual(runFolders(programs), []);
    });
  },
);

describe('a server that cannot run programs as TASKPLANNER_RUN_AS', { skip: RUN_AS_SKIP }, () => {
  let base: { path: string; remove(): void };

  before(() => {
    ensureRunUser();
    base = tempDir('isolation-refused');
    chmodSync(base.path, 0o755);
  });
  after(() => base?.remove());

  async function refusal(env: Record<string, string>): Promise<string> {
    const result = await runCli(
      ['serve'],
      {
        TASKPLANNER_DATA_DIR: join(base.path, 'data'),
        TASKPLANNER_PROGRAM_DIR: join(base.path, 'programs'),
        TASKPLANNER_PORT: '0',
        ...env,
      },
      // It refuses within a few seconds; a server that starts is stopped after this.
      { timeoutMs: 15_000 },
    );
    assert.equal(result.code, 2, describeOutput(result.stdout, result.stderr));
    return result.stderr;
  }

  it('starts without TASKPLANNER_RUN_AS, warning that job.command then equals administering it', async () => {
    const server = await startServer({ TASKPLANNER_DATA_DIR: join(base.path, 'plain-data') });
    await server.stop();
    assert.match(
      server.stdout(),
      /TASKPLANNER_RUN_AS is not set: .* job\.command is equivalent to administering the server/,
    );
  });

  it('refuses to start, naming a user that does not exist', async () => {
    const stderr = await refusal({ TASKPLANNER_RUN_AS: 'no-such-user-tp' });
    assert.match(
      stderr,
      /Configuration error: TASKPLANNER_RUN_AS: there is no user no-such-user-tp/,
    );
  });

  it('refuses root', async () => {
    const stderr = await refusal({ TASKPLANNER_RUN_AS: 'root' });
    assert.match(stderr, /TASKPLANNER_RUN_AS: root is root or in root's group/);
  });

  it('names a program folder the user cannot enter', async () => {
    const closed = join(base.path, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    const stderr = await refusal({
      TASKPLANNER_RUN_AS: RUN_USER,
      TASKPLANNER_PROGRAM_DIR: join(closed, 'programs'),
    });
    assert.match(stderr, new RegExp(`the user ${RUN_USER} cannot enter .*closed/programs`));
  });

  it('refuses a program folder that others may write to', async () => {
    const open = join(base.path, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    const stderr = await refusal({ TASKPLANNER_RUN_AS: RUN_USER, TASKPLANNER_PROGRAM_DIR: open });
    assert.match(stderr, /must belong to the server's user and be writable by it alone/);
    assert.equal(statSync(open).mode & 0o7777, 0o1777, 'the folder is left as it was');
  });

  it('says what it lacks when it may not switch users', async () => {
    const user = ensureRunUser();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: base.path,
      TASKPLANNER_RUN_AS: RUN_USER,
      TASKPLANNER_PORT: '0',
      TASKPLANNER_DATA_DIR: join(base.path, 'unprivileged-data'),
    };
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'taskplanner.js'), 'serve'], {
      cwd: ROOT,
      env,
      uid: user.uid,
      gid: user.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);

    assert.equal(code, 2, stderr);
    assert.match(stderr, /it must run as root, or hold .*\(it lacks [A-Z_, ]*CAP_SETUID/);
  });
});

describe(
  'command jobs as TASKPLANNER_RUN_AS without a group per run',
  { skip: RUN_AS_SKIP },
  () => {
    let h: ComponentHarness;
    let base: { path: string; remove(): void };
    let isolation: ProgramIsolation;

    before(async () => {
      ensureRunUser();
      base = tempDir('isolation-shared');
      chmodSync(base.path, 0o755);
      isolation = await prepareIsolation({
        user: RUN_USER,
        gids: null,
        folder: join(base.path, 'programs'),
      });
      isolatePrograms(isolation);
    });
    after(() => {
      isolatePrograms(null);
      base?.remove();
    });
    beforeEach(async () => {
      h = await componentHarness();
    });
    afterEach(() => h.dispose());

    const run = (script: string) =>
      commandJob.run(
        {
          program: '/bin/sh',
          arguments: ['-c', script],
          environment: {},
          validExitCodes: [0],
        },
        h.job,
      );

    it('runs the program as the user, in a folder of its own with mode 0700', async () => {
      await run('id -un; stat -c "folder %U %a" ..');
      const messages = h.lines.map((line) => line.message);
      assert.ok(messages.includes(`sh: ${RUN_USER}`), logText(h.lines));
      assert.ok(messages.includes(`sh: folder ${RUN_USER} 700`), logText(h.lines));
      assert.deepEqual(runFolders(isolation.root), []);
    });

    it("kills a process that left the program's group but still works in the run's folder", async () => {
      await run(`setsid sleep 300 >/dev/null 2>&1 &\n${UNTIL_ESCAPED}\necho "escaped $!"`);
      const pid = Number(
        h.lines.find((line) => line.message.startsWith('sh: escaped '))?.message.split(' ')[2],
      );
      assert.ok(pid > 0, logText(h.lines));
      await eventually('the escaped process to be gone', async () =>
        alive(pid) ? undefined : true,
      );
    });

    it("hands the program's own files to the server, but no link to a file of another user", async () => {
      // A root file the program may read and write, so the kernel lets it make a hard link.
      const shared = join(base.path, 'shared.txt');
      writeFileSync(shared, 'root data\n', { mode: 0o666 });
      chmodSync(shared, 0o666);
      const script = [
        'cd "$TASKPLANNER_OUTPUT_DIR"',
        'echo mine > mine.txt',
        'chmod 000 mine.txt',
        'ln -s /etc/shadow shadow-link',
        'ln "$0" hard-link',
      ].join('; ');
      const results = (await commandJob.run(
        {
          program: '/bin/sh',
          arguments: ['-c', script, shared],
          environment: {},
          validExitCodes: [0],
        },
        h.job,
      )) as FileResult[];

      assert.deepEqual(
        results.map((result) => result.name),
        ['mine.txt'],
        logText(h.lines),
      );
      // A copy in the server's own folder, readable after the run's folder is gone.
      assert.equal(readFileSync(results[0]?.path ?? '', 'utf8'), 'mine\n');
      assert.ok(results[0]?.path.startsWith(h.workDir), results[0]?.path);
      const warnings = h.lines.filter((line) => line.level === 'warn').map((line) => line.message);
      assert.ok(
        warnings.includes('output shadow-link is a link and is not a result'),
        logText(h.lines),
      );
      assert.ok(
        warnings.includes('output hard-link is not a file of the program and is not a result'),
        logText(h.lines),
      );
    });
  },
);

describe('the parts of program isolation', () => {
  it('reads the capabilities a server lacks from /proc/<pid>/status', () => {
    assert.deepEqual(missingCapabilities('CapEff:\t000001ffffffffff\n'), []);
    assert.deepEqual(missingCapabilities('CapEff:\t0000000000000000\n'), [
      'CAP_CHOWN',
      'CAP_DAC_OVERRIDE',
      'CAP_FOWNER',
      'CAP_KILL',
      'CAP_SETGID',
      'CAP_SETUID',
    ]);
    // Everything but CAP_SETUID (bit 7).
    assert.deepEqual(missingCapabilities('CapEff:\t000001ffffffff7f\n'), ['CAP_SETUID']);
  });

  it('gives each running program a group of its own, and says so when all are taken', () => {
    const groups = new RunGroups({ first: 10, last: 11 });
    const [a, b] = [groups.lease(), groups.lease()];
    assert.deepEqual([a, b], [10, 11]);
    assert.throws(() => groups.lease(), /all 2 group ids of TASKPLANNER_RUN_GIDS are taken/);
    groups.release(a);
    assert.equal(groups.lease(), 10);
  });
});
