import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { commandJob, KILL_GRACE_MS } from '../../src/plugins/builtin/jobs/command.ts';
import type { FileResult, JobResult } from '../../src/plugins/results.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { componentHarness, logText, type ComponentHarness } from '../support/component-context.ts';
import { componentOf, eventually, runLog, runTask } from '../support/engine-runs.ts';

const NODE = process.execPath;

/** The config with the schema's defaults, as the API would have stored it. */
function config(overrides: Record<string, unknown>) {
  return { arguments: [], environment: {}, validExitCodes: [0], ...overrides };
}

function run(h: ComponentHarness, overrides: Record<string, unknown>) {
  return commandJob.run(config(overrides), h.job);
}

/** A node program given as `node -e script`. */
function node(script: string, overrides: Record<string, unknown> = {}) {
  return { program: NODE, arguments: ['-e', script], ...overrides };
}

/** Whether the process exists and is not a zombie (Linux /proc). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The promise, or a failure naming what did not happen within ms. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function files(results: JobResult[]): FileResult[] {
  return results.filter((result): result is FileResult => result.type === 'file');
}

describe('command job', () => {
  let h: ComponentHarness;
  let scratch: string;

  beforeEach(async () => {
    scratch = await realpath(await mkdtemp(join(tmpdir(), 'tp-command-')));
    h = await componentHarness({ folderRoots: [scratch] });
  });

  afterEach(async () => {
    await h.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('passes arguments with shell metacharacters verbatim, as argv, without a shell', async () => {
    const canary = join(scratch, 'canary');
    const tricky = [
      `; rm -rf ${scratch}; touch ${canary}`,
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `it's "quoted" \\ here`,
      '| cat > /dev/null && echo hi',
      '*',
      '$HOME ${PATH}',
      '',
      'two\nlines',
    ];
    const script =
      "require('fs').writeFileSync(process.env.TASKPLANNER_OUTPUT_DIR + '/argv.json', JSON.stringify(process.argv.slice(1)))";
    const results = await run(h, { program: NODE, arguments: ['-e', script, ...tricky] });

    const [argv] = files(results);
    assert.ok(argv, logText(h.lines));
    assert.deepEqual(JSON.parse(await readFile(argv.path, 'utf8')), tricky);
    assert.equal(existsSync(canary), false, 'no shell ran the arguments');
    assert.equal(existsSync(scratch), true);
  });

  it('logs stdout lines as info and stderr lines as warnings as they arrive', async () => {
    const script = [
      "console.log('out one')",
      "console.error('err one')",
      "process.stdout.write('hal')",
      "setTimeout(() => { process.stdout.write('f line\\r\\nlast without newline') }, 50)",
    ].join(';');
    await run(h, node(script));

    const output = h.lines.filter((line) => line.message.startsWith('node: '));
    assert.deepEqual(
      output.map((line) => [line.level, line.message]).sort(),
      [
        ['info', 'node: half line'],
        ['info', 'node: last without newline'],
        ['info', 'node: out one'],
        ['warn', 'node: err one'],
      ],
      logText(h.lines),
    );
  });

  it('caps what a program puts in the log: long lines are cut, extra lines counted', async () => {
    const script =
      "console.log('x'.repeat(5000) + 'TAIL'); console.log('after'); for (let i = 0; i < 1500; i++) console.log('line ' + i)";
    await run(h, node(script));

    const messages = h.lines.map((line) => line.message);
    const long = messages.find((message) => message.startsWith('node: xxx'));
    assert.equal(long, `node: ${'x'.repeat(2000)} [cut]`);
    assert.ok(messages.includes('node: after'), 'the line after a cut one is whole');
    assert.ok(messages.includes('node: line 997'));
    assert.ok(!messages.includes('node: line 998'), 'the 1001st line is not logged');
    assert.ok(messages.includes('node: (502 more lines on stdout were not logged)'));
  });

  it('returns every file written into TASKPLANNER_OUTPUT_DIR, in subfolders too, with its bytes', async () => {
    const script = [
      "const fs = require('fs'), dir = process.env.TASKPLANNER_OUTPUT_DIR",
      "fs.writeFileSync(dir + '/report.csv', 'a,b\\n1,2\\n')",
      "fs.mkdirSync(dir + '/sub/deeper', { recursive: true })",
      'fs.writeFileSync(dir + "/sub/deeper/all-bytes.bin", Buffer.from(Array.from({ length: 256 }, (_, i) => i)))',
      "fs.symlinkSync('/etc/hostname', dir + '/link')",
      "fs.writeFileSync('not-output.txt', 'in the working folder')",
    ].join(';');
    const results = await run(h, node(script));

    assert.deepEqual(
      results.map((result) => [result.type, result.name]),
      [
        ['file', 'report.csv'],
        ['file', 'sub/deeper/all-bytes.bin'],
      ],
    );
    const [csv, bin] = files(results);
    assert.equal(await readFile(csv?.path ?? '', 'utf8'), 'a,b\n1,2\n');
    assert.deepEqual(
      await readFile(bin?.path ?? ''),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    );
    assert.ok(h.lines.some((line) => line.level === 'warn' && line.message.includes('link')));
  });

  it('publishes the exit code, and fails on one that is not valid, naming it', async () => {
    await assert.rejects(
      run(
        h,
        node(
          "require('fs').writeFileSync(process.env.TASKPLANNER_OUTPUT_DIR + '/x', 'x'); process.exit(3)",
        ),
      ),
      { message: `program '${NODE}' exited with code 3, not one of the valid exit codes (0)` },
    );
    assert.equal(h.outputs.exitCode, 3);
  });

  it('accepts the exit codes listed as valid', async () => {
    const results = await run(
      h,
      node(
        "require('fs').writeFileSync(process.env.TASKPLANNER_OUTPUT_DIR + '/x', 'x'); process.exit(3)",
        {
          validExitCodes: [0, 3],
        },
      ),
    );
    assert.equal(h.outputs.exitCode, 3);
    assert.deepEqual(
      results.map((result) => [result.name, result.valid ?? true]),
      [['x', true]],
    );
  });

  it('stops a program that runs past timeoutSeconds and fails the job', async () => {
    const ran = run(
      h,
      node("console.log('pid ' + process.pid); setInterval(() => {}, 1000)", { timeoutSeconds: 1 }),
    );
    const pid = Number((await h.untilLogged('node: pid ')).message.slice('node: pid '.length));
    assert.equal(alive(pid), true);

    await assert.rejects(ran, { message: `program '${NODE}' ran longer than 1 s and was stopped` });
    await eventually('the program to be gone', async () => (alive(pid) ? undefined : true));
  });

  it('kills the program and what it started when the run is aborted', async () => {
    const ran = run(h, { program: 'sh', arguments: ['-c', 'sleep 600 & echo "child $!"; wait'] });
    const line = await h.untilLogged('sh: child ');
    const grandchild = Number(line.message.slice('sh: child '.length));
    assert.equal(alive(grandchild), true);

    h.controller.abort('canceled');
    // Were the grandchild left alive, it would hold the output pipe open for ten minutes.
    await assert.rejects(within(ran, 10_000, 'the job ended'), {
      message: 'stopped: the run was stopped',
    });
    // Its output closed as it exited; the kernel may take a moment more to finish the exit.
    await eventually('the grandchild to be gone', async () =>
      alive(grandchild) ? undefined : true,
    );
  });

  it('kills what a program left running in the background when it exits by itself', async () => {
    // One child keeps the output pipe open (the job would wait for it), one lets it go.
    const script = 'sleep 300 & echo "held $!"; sleep 300 >/dev/null 2>&1 & echo "free $!"';
    const results = await within(
      run(h, { program: 'sh', arguments: ['-c', script] }),
      10_000,
      'the job ended',
    );
    assert.deepEqual(results, []);
    const pidOf = (label: string) =>
      Number(
        h.lines.find((line) => line.message.startsWith(`sh: ${label} `))?.message.split(' ')[2],
      );
    for (const label of ['held', 'free']) {
      const pid = pidOf(label);
      assert.ok(pid > 0, logText(h.lines));
      await eventually(`the ${label} child to be gone`, async () =>
        alive(pid) ? undefined : true,
      );
    }
  });

  it('sends SIGKILL after the grace when a program ignores SIGTERM', async () => {
    const script =
      "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('pid ' + process.pid); setInterval(() => {}, 1000)";
    const ran = run(h, node(script));
    const pid = Number((await h.untilLogged('node: pid ')).message.slice('node: pid '.length));

    const abortedAt = Date.now();
    h.controller.abort('canceled');
    await assert.rejects(ran, /stopped/);
    assert.ok(Date.now() - abortedAt >= KILL_GRACE_MS - 50, 'it waited for the grace');
    assert.ok(
      h.lines.some((line) => line.message === 'node: ignoring SIGTERM'),
      logText(h.lines),
    );
    await eventually('the program to be gone', async () => (alive(pid) ? undefined : true));
  });

  it('fails clearly when the program does not exist', async () => {
    await assert.rejects(run(h, { program: 'no-such-program-tp' }), {
      message: "program 'no-such-program-tp' was not found on the PATH",
    });
    await assert.rejects(run(h, { program: join(scratch, 'missing.sh') }), {
      message: `program '${join(scratch, 'missing.sh')}' was not found`,
    });
  });

  it('runs in the working folder when it is inside an allowed folder, else refuses', async () => {
    const folder = join(scratch, 'here');
    await mkdir(folder);
    await run(h, node('console.log(process.cwd())', { workingFolder: folder }));
    assert.ok(
      h.lines.some((line) => line.message === `node: ${folder}`),
      logText(h.lines),
    );

    await assert.rejects(run(h, node('1', { workingFolder: tmpdir() })), {
      message: `the path ${tmpdir()} is outside the allowed folders`,
    });
    await assert.rejects(run(h, node('1', { workingFolder: join(scratch, 'nope') })), {
      message: `working folder ${join(scratch, 'nope')} is not an existing folder`,
    });
  });

  it("gives the program its environment but none of the server's own variables", async () => {
    process.env.TASKPLANNER_TEST_SECRET = 'server secret';
    try {
      const script =
        "console.log('GREETING=' + process.env.GREETING); console.log('SECRET=' + process.env.TASKPLANNER_TEST_SECRET); console.log('HAS_PATH=' + Boolean(process.env.PATH))";
      await run(h, node(script, { environment: { GREETING: 'hello $(id)' } }));
    } finally {
      delete process.env.TASKPLANNER_TEST_SECRET;
    }
    const messages = h.lines.map((line) => line.message);
    assert.ok(messages.includes('node: GREETING=hello $(id)'), logText(h.lines));
    assert.ok(messages.includes('node: SECRET=undefined'));
    assert.ok(messages.includes('node: HAS_PATH=true'));
  });
});

for (const backend of await backends()) {
  describe(`command job through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;

    before(async () => {
      t = await startEngineApp(backend, 'command-job');
      alice = (await t.user('alice', ['taskplanner', 'job.command'])).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
    });
    after(async () => {
      await t?.close();
    });

    it('fills placeholders into arguments (verbatim), logs the output and keeps the files', async () => {
      const script =
        "require('fs').writeFileSync(process.env.TASKPLANNER_OUTPUT_DIR + '/argv.json', JSON.stringify(process.argv.slice(1))); console.log('hello from the program'); console.error('a warning')";
      const job = {
        id: 'dump',
        kind: 'command',
        config: { program: NODE, arguments: ['-e', script, '{who}', 'task {task.name}'] },
      };
      const run = await runTask(
        t,
        alice,
        { name: 'Argv dump', jobs: [job] },
        {
          who: "$(id); rm -rf / 'x'",
        },
      );

      assert.equal(run.status, 'succeeded', componentOf(run, 'dump').message ?? '');
      assert.equal(run.results.length, 1);
      const [result] = run.results;
      assert.equal(result?.name, 'argv.json');
      const file = await alice.get(`/api/v1/runs/${run.id}/artifacts/${result?.artifactId}`);
      assert.deepEqual(JSON.parse(String(file.body)), ["$(id); rm -rf / 'x'", 'task Argv dump']);
      const log = await runLog(alice, run);
      assert.match(log, /INFO +node: hello from the program/);
      assert.match(log, /WARN +node: a warning/);
    });

    it('fails the job on an exit code that is not valid', async () => {
      const job = {
        id: 'exit',
        kind: 'command',
        config: { program: NODE, arguments: ['-e', 'process.exit(4)'] },
      };
      const run = await runTask(t, alice, { jobs: [job] });
      assert.equal(run.status, 'failed');
      assert.match(componentOf(run, 'exit').message ?? '', /exited with code 4/);
    });

    it('kills the program when the run is canceled', async () => {
      const job = {
        id: 'long',
        kind: 'command',
        config: {
          program: NODE,
          arguments: ['-e', "console.log('pid ' + process.pid); setInterval(() => 0, 1000)"],
        },
      };
      const created = await alice.post('/api/v1/tasks', { name: 'long', jobs: [job] });
      const runId = (await alice.post(`/api/v1/tasks/${created.body.id}/run`)).body.runId;
      const pid = await eventually('the program to start', async () => {
        const log = String((await alice.get(`/api/v1/runs/${runId}/log`)).body);
        const found = /node: pid (\d+)/.exec(log)?.[1];
        return found === undefined ? undefined : Number(found);
      });
      assert.equal((await alice.post(`/api/v1/runs/${runId}/cancel`)).status, 202);
      const run = await t.ended(runId);
      assert.equal(run.status, 'canceled');
      // The run ends without waiting for the program; the program's end follows.
      await eventually('the program to end', async () => (alive(pid) ? undefined : true));
    });

    it('refuses to run for an owner without job.command', async () => {
      const canary = join(await realpath(tmpdir()), `tp-canary-${process.pid}`);
      const job = {
        id: 'cmd',
        kind: 'command',
        config: {
          program: NODE,
          arguments: ['-e', `require('fs').writeFileSync('${canary}', 'ran')`],
        },
      };
      const run = await runTask(t, bob, { jobs: [job] });
      assert.equal(run.status, 'failed');
      assert.equal(componentOf(run, 'cmd').status, 'failed');
      assert.match(componentOf(run, 'cmd').message ?? '', /needs the permission 'job\.command'/);
      assert.equal(existsSync(canary), false, 'the program did not run');
    });
  });
}
