import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where the child processes run. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'taskplanner.js');

/** TASKPLANNER_* variables for a child; undefined removes one. */
export type ProcessEnv = Record<string, string | undefined>;

/** How an exited process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The output of one finished CLI run. */
export interface CliResult extends Exit {
  stdout: string;
  stderr: string;
}

/** A running `taskplanner serve` child. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, whoever ended it. */
  exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL when it has not exited within 5 s; resolves with how it ended. */
  stop(): Promise<Exit>;
}

const STOP_GRACE_MS = 5_000;

/**
 * The child's environment: the parent's without any TASKPLANNER_* setting or test-runner
 * marker (so nothing leaks in from the shell), quiet logs, then the test's own variables.
 */
function childEnv(env: ProcessEnv): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('TASKPLANNER_') || name.startsWith('NODE_TEST')) continue;
    base[name] = value;
  }
  const merged: NodeJS.ProcessEnv = { ...base, TASKPLANNER_LOG_LEVEL: 'warn' };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** A fresh folder under the system temp folder, and how to remove it. */
export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `tp-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function spawnCli(args: readonly string[], env: ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close' (not 'exit') so that all output has been read when it resolves.
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Output of a process for an assertion message. */
export function describeOutput(stdout: string, stderr: string): string {
  return `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
}

/** Runs `taskplanner <args>` to its end (killed after timeoutMs, which then rejects). */
export async function runCli(
  args: readonly string[],
  env: ProcessEnv,
  options: { timeoutMs?: number } = {},
): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const run = spawnCli(args, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([run.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    run.child.kill('SIGKILL');
    await run.exited;
    throw new Error(
      `taskplanner ${args.join(' ')} did not finish within ${timeoutMs} ms\n${describeOutput(run.stdout(), run.stderr())}`,
    );
  }
  return { ...outcome, stdout: run.stdout(), stderr: run.stderr() };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function stopChild(child: ChildProcess, exited: Promise<Exit>): Promise<Exit> {
  if (!isRunning(child)) return exited;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, grace]);
  clearTimeout(timer);
  if (outcome !== 'late') return outcome;
  child.kill('SIGKILL');
  return exited;
}

/**
 * Spawns `taskplanner serve` right away (no await before the spawn, so two calls in one
 * tick start two processes at the same moment). TASKPLANNER_PORT must be set.
 */
export function spawnServer(env: ProcessEnv): ServerProcess {
  const port = env.TASKPLANNER_PORT;
  if (port === undefined) throw new Error('spawnServer needs TASKPLANNER_PORT (see freePort())');
  const run = spawnCli(['serve'], { TASKPLANNER_HOST: '127.0.0.1', ...env });
  return {
    url: `http://127.0.0.1:${port}`,
    child: run.child,
    stdout: run.stdout,
    stderr: run.stderr,
    exited: run.exited,
    stop: () => stopChild(run.child, run.exited),
  };
}

/** Polls until check() is true, every intervalMs, for at most timeoutMs; false if it never was. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, intervalMs = 100 } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}

async function answersHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Waits until a spawned server answers /healthz with 200 (polled every 100 ms; the bound is
 * generous because a loaded CI machine takes seconds to start node + tsx). Rejects with its
 * output when it exits first or is not healthy within timeoutMs; then it has been stopped.
 */
export async function untilHealthy(
  server: ServerProcess,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  let exit: Exit | undefined;
  void server.exited.then((outcome) => (exit = outcome));
  const settled = async () => exit !== undefined || (await answersHealthy(server.url));
  const healthy = await waitFor(settled, { timeoutMs });
  if (healthy && exit === undefined) return server;
  const stopped = await server.stop();
  const why = exit
    ? `exited (code ${exit.code}, signal ${exit.signal}) before it was healthy`
    : `was not healthy within ${timeoutMs} ms (then ended with code ${stopped.code}, signal ${stopped.signal})`;
  throw new Error(`taskplanner serve ${why}\n${describeOutput(server.stdout(), server.stderr())}`);
}

/**
 * Starts `taskplanner serve` and waits until it is healthy. Without TASKPLANNER_PORT it takes a
 * free port, and another one should something else take that port before the server binds it.
 */
export async function startServer(env: ProcessEnv): Promise<ServerProcess> {
  if (env.TASKPLANNER_PORT !== undefined) return untilHealthy(spawnServer(env));
  for (let attempt = 1; ; attempt++) {
    const port = String(await freePort());
    try {
      return await untilHealthy(spawnServer({ ...env, TASKPLANNER_PORT: port }));
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

/** The Authorization header of HTTP Basic authentication. */
export function basicAuth(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

/** A response with its JSON body parsed (or the text, when it is not JSON). */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

/** Calls a running server over real HTTP, sending and parsing JSON. */
export async function httpJson<T = unknown>(
  url: string,
  options: { method?: string; authorization?: string; body?: unknown } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
  return { status: response.status, body: (isJson ? JSON.parse(text) : text) as T };
}

/** A time trigger firing every second (a cron with seconds), as the server tests' tasks use. */
export const EVERY_SECOND_TRIGGER = {
  kind: 'time',
  config: {
    start: '2020-01-01T00:00',
    timezone: 'UTC',
    intervals: [{ kind: 'cron', expression: '* * * * * *' }],
  },
};
