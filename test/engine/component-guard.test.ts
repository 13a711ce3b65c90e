// No component can take the server down: errors that escape a component's code (a second ssh2
// 'error', a throw in a timer, an unheard emitter error, a dropped rejection) fail its run and
// are logged, in a real `taskplanner serve` process (node:test would take such errors for
// failures of its own). The escaping kinds are in test/fixtures/engine-plugin.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  basicAuth,
  describeOutput,
  httpJson,
  ROOT,
  startServer,
  tempDir,
  waitFor,
  type ServerProcess,
} from '../support/processes.ts';

const PASSWORD = 'component-guard-boss-1';
const AUTHORIZATION = basicAuth('admin', PASSWORD);

interface RunBody {
  id: string;
  status: string;
  reason: string | null;
}

/** Every socket the listeners accepted, to end them when the tests are done. */
const accepted = new Set<Socket>();

/** A TCP listener on 127.0.0.1 that treats each connection with serve(). */
async function listener(
  serve: (socket: Socket) => void,
): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    accepted.add(socket);
    socket.on('error', () => {});
    serve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe('a server whose components let errors escape', () => {
  const data = tempDir('guard-data');
  let server: ServerProcess;
  const listeners: Server[] = [];
  /** Accepts and never writes: the host from the security finding. */
  let silentPort = 0;
  /** Answers like a web server and closes. */
  let httpPort = 0;
  /** Greets like a mail server and waits. */
  let smtpPort = 0;
  before(async () => {
    const silent = await listener(() => {});
    const http = await listener((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const smtp = await listener((socket) => {
      socket.write('220 mail.example.test ESMTP ready\r\n');
    });
    listeners.push(silent.server, http.server, smtp.server);
    [silentPort, httpPort, smtpPort] = [silent.port, http.port, smtp.port];
    server = await startServer({
      TASKPLANNER_DATA_DIR: data.path,
      TASKPLANNER_PLUGINS: './test/fixtures/engine-plugin.ts',
      TASKPLANNER_ADMIN_PASSWORD: PASSWORD,
    });
    // The peers listen on loopback, which tasks may not reach until an administrator allows it.
    const opened = await httpJson(`${server.url}/api/v1/settings`, {
      authorization: AUTHORIZATION,
      method: 'PATCH',
      body: { allowedNetworks: ['127.0.0.0/8'] },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
  });

  after(async () => {
    const exit = await server?.stop();
    for (const socket of accepted) socket.destroy();
    await Promise.all(listeners.map((each) => new Promise((resolve) => each.close(resolve))));
    data.remove();
    // Stopped by SIGTERM and shut down cleanly: it was still the same, running process.
    if (exit) assert.deepEqual(exit, { code: 0, signal: null }, output());
  });

  const output = () => describeOutput(server.stdout(), server.stderr());

  async function call<T>(path: string, body?: unknown) {
    return httpJson<T>(`${server.url}${path}`, {
      authorization: AUTHORIZATION,
      ...(body === undefined ? {} : { body, method: 'POST' }),
    });
  }

  /** Creates a task, starts it, and resolves with the run once it ended (bounded). */
  async function runTask(body: Record<string, unknown>): Promise<RunBody> {
    const created = await call<{ id: string }>('/api/v1/tasks', { enabled: false, ...body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const started = await call<{ runId: string }>(`/api/v1/tasks/${created.body.id}/run`, {});
    assert.equal(started.status, 202, JSON.stringify(started.body));
    let run: RunBody | undefined;
    const ended = await waitFor(
      async () => {
        run = (await call<RunBody>(`/api/v1/runs/${started.body.runId}`)).body;
        return run.status !== 'queued' && run.status !== 'running';
      },
      { timeoutMs: 20_000 },
    );
    assert.ok(ended, `run ended; last seen ${JSON.stringify(run)}\n${output()}`);
    return run as RunBody;
  }

  /** The server is the same process, healthy, and still runs tasks. */
  async function assertStillServing(): Promise<void> {
    assert.equal(server.child.exitCode, null, `the server exited\n${output()}`);
    assert.equal((await httpJson(`${server.url}/healthz`)).status, 200);
    const next = await runTask({ name: 'next', jobs: [{ kind: 'sleep', config: { ms: 0 } }] });
    assert.equal(next.status, 'succeeded', JSON.stringify(next));
  }

  const upload = (port: number) => ({
    name: `upload to ${port}`,
    jobs: [{ kind: 'file', config: { name: 'out.txt', content: 'hello' } }],
    actions: [
      {
        id: 'upload',
        kind: 'sftp-upload',
        config: {
          host: '127.0.0.1',
          port,
          user: 'uploader',
          password: 'never-sent-1',
          remoteFolder: '/',
          timeoutSeconds: 1,
        },
      },
    ],
  });

  it('fails an sftp-upload to a host that accepts TCP and never speaks, and keeps serving', async () => {
    const run = await runTask(upload(silentPort));
    assert.equal(run.status, 'failed', JSON.stringify(run));
    assert.equal(
      run.reason,
      `SFTP server 127.0.0.1:${silentPort} did not answer the SSH handshake within 1 s`,
    );
    await assertStillServing();
  });

  it('fails an sftp-upload to a web server as "not an SSH server", and keeps serving', async () => {
    const run = await runTask(upload(httpPort));
    assert.equal(run.status, 'failed', JSON.stringify(run));
    assert.equal(
      run.reason,
      `SFTP server 127.0.0.1:${httpPort} is not an SSH server: it answered, but not with an SSH greeting`,
    );
    await assertStillServing();
  });

  it('fails an sftp-upload to a mail server as "not an SSH server", and keeps serving', async () => {
    const run = await runTask(upload(smtpPort));
    assert.equal(run.status, 'failed', JSON.stringify(run));
    assert.equal(
      run.reason,
      `SFTP server 127.0.0.1:${smtpPort} is not an SSH server: it answered, but not with an SSH greeting`,
    );
    await assertStillServing();
  });

  const escapes: Array<[string, string]> = [
    ['timer', 'a throw from a timer callback'],
    ['emitter', "an 'error' event nobody listens to, emitted from a socket callback"],
    ['rejection', 'a rejected promise nobody handles'],
  ];
  for (const [how, what] of escapes) {
    it(`fails the run of a job that lets ${what} escape, and keeps serving`, async () => {
      const message = `escaped by ${how}`;
      const run = await runTask({
        name: `escape by ${how}`,
        jobs: [{ id: 'leaky', kind: 'escape', config: { how, message } }],
      });
      assert.equal(run.status, 'failed', JSON.stringify(run));
      assert.equal(run.reason, `unhandled error in the component: ${message}`);
      const logged = await waitFor(() => server.stdout().includes(message));
      assert.ok(logged, `the server logged the escaped error\n${output()}`);
      assert.match(server.stdout(), new RegExp(`job leaky \\(escape\\) of run ${run.id}: an `));
      await assertStillServing();
    });
  }

  it('logs an error escaping an event trigger, which keeps running, and keeps serving', async () => {
    const message = 'escaped from a trigger';
    const created = await call<{ id: string }>('/api/v1/tasks', {
      name: 'escaping trigger',
      triggers: [{ kind: 'escape', config: { message } }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const logged = await waitFor(() => server.stdout().includes(message));
    assert.ok(logged, `the server logged the escaped error\n${output()}`);
    assert.match(
      server.stdout(),
      /trigger \S+ \(escape\) of task \S+: an uncaught exception escaped it/,
    );
    await assertStillServing();
  });
});

/** Runs a module snippet with the guard installed in a fresh Node process; its exit and output. */
function runGuarded(body: string): Promise<{ code: number | null; output: string }> {
  const script = `
    import { installComponentGuard } from './src/engine/component-guard.ts';
    import { runComponent } from './src/engine/component-scope.ts';
    installComponentGuard({
      error: (message) => console.log('ERROR ' + message),
      fatal: (message) => console.log('FATAL ' + message),
    });
    ${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('the component guard', () => {
  it('ends the process, logged as fatal, for an error that no component owns', async () => {
    const { code, output } = await runGuarded(`
      setTimeout(() => { throw new Error('a bug of the server'); }, 10);
      setTimeout(() => console.log('STILL RUNNING'), 500);`);
    assert.equal(code, 1, output);
    assert.match(
      output,
      /^FATAL uncaught exception outside any component; exiting: Error: a bug of the server/m,
    );
    assert.doesNotMatch(output, /STILL RUNNING/);
  });

  it('fails the invocation whose code threw, not the one running beside it', async () => {
    const { code, output } = await runGuarded(`
      const signal = new AbortController().signal;
      const invocation = (label) => ({ label, signal, redact: (text) => text.replace('s3cret', '***') });
      const leaky = runComponent(invocation('leaky'), (own) => {
        setTimeout(() => { throw new Error('token s3cret rejected'); }, 10);
        return new Promise((resolve) => own.addEventListener('abort', () => resolve('aborted ' + own.reason)));
      });
      const calm = runComponent(invocation('calm'), () => new Promise((resolve) => setTimeout(() => resolve('calm done'), 100)));
      const settled = await Promise.allSettled([leaky, calm]);
      console.log('SETTLED ' + JSON.stringify(settled.map((each) => each.reason?.message ?? each.value)));`);
    assert.equal(code, 0, output);
    assert.match(
      output,
      /^SETTLED \["unhandled error in the component: token s3cret rejected","calm done"\]$/m,
    );
    assert.match(
      output,
      /^ERROR leaky: an uncaught exception escaped it; it failed .*token \*\*\* rejected/m,
    );
  });
});
