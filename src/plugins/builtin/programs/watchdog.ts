import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { watchLine, type WatchTarget } from './watch-lines.ts';
import { coerceError } from '../../../domain/coerce-error.ts';

/**
 * The watchdog of this server: one process, started on first use, that kills the process groups
 * (and group ids) it was told about once the pipe from this server ends, that is once the server
 * has exited, also by SIGKILL. It runs detached, in a session and process group of its own, so a
 * Ctrl-C in the server's terminal does not reach it, and it ignores SIGINT, SIGTERM and SIGHUP.
 */
const PROCESS_FILE = fileURLToPath(new URL('./watchdog-process.ts', import.meta.url));

/** How long the watchdog may take to start (node and tsx); a run waits for it only once. */
const READY_TIMEOUT_MS = 60_000;

/** What node and tsx need of the server's environment, and no more (none of its secrets). */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'TMPDIR', 'LANG'];

/** The targets watched and not released, as lines: a restarted watchdog is told them again. */
const watched = new Set<string>();

/** The pipe to the running (or starting) watchdog; null before the first use and once it exited. */
let connection: Promise<Writable> | null = null;

function spawnWatchdog(): ChildProcess {
  const env = Object.fromEntries(
    INHERITED_VARIABLES.flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), PROCESS_FILE], {
    cwd: '/',
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** Resolves once the watchdog says it is ready; rejects, saying why, when it ends or fails first. */
function untilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const onError = (error: Error) => fail(error.message);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`it exited with code ${code}, signal ${signal}`);
    const timer = setTimeout(
      () => fail(`not ready within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    function settle(): void {
      clearTimeout(timer);
      child.off('error', onError).off('exit', onExit);
    }
    function fail(why: string): void {
      settle();
      child.kill('SIGKILL');
      reject(
        new Error(
          `no program is started without the watchdog that kills it should the server die, and it could not start (${process.execPath} --import tsx ${PROCESS_FILE}: ${why})`,
        ),
      );
    }
    child.once('error', onError).once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      if (!said.includes('ready\n')) return;
      settle();
      resolve();
    });
  });
}

/**
 * Starts the watchdog and tells it what is watched. Should it ever exit while this server runs
 * (someone killed it), the next one is started at once and told again.
 */
async function startWatchdog(): Promise<Writable> {
  const child = spawnWatchdog();
  const stdin = child.stdin as Writable;
  // A write to a watchdog that died fails its callback; nothing else is to be done with it.
  stdin.on('error', () => {});
  // Told at once, into the pipe: should this server die before the watchdog is ready, it
  // still reads them, then the pipe's end, and kills them.
  for (const line of watched) stdin.write(line);
  await untilReady(child);
  child.once('exit', () => {
    connection = null;
    if (watched.size > 0) void connect().catch(() => {});
  });
  child.stdout?.destroy();
  // The watchdog must not keep the server running; it ends when the server does.
  (stdin as Socket).unref();
  child.unref();
  return stdin;
}

function connect(): Promise<Writable> {
  connection ??= startWatchdog().catch((error: unknown) => {
    connection = null;
    throw error;
  });
  return connection;
}

function send(stdin: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stdin.write(line, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Has the watchdog kill target should this server die before the returned function is called.
 * Resolves once the watchdog will learn of it whenever the server dies (it is in the watchdog's
 * pipe); rejects, saying why, when there is no watchdog to tell.
 */
export async function watch(target: WatchTarget): Promise<() => void> {
  const line = watchLine(target, true);
  const stdin = await connect();
  watched.add(line);
  try {
    await send(stdin, line);
  } catch (error) {
    watched.delete(line);
    throw new Error(
      `no program is started without the watchdog that kills it should the server die, and it has exited (${coerceError(error).message})`,
    );
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    watched.delete(line);
    void connection?.then(
      (current) => current.write(watchLine(target, false)),
      () => {},
    );
  };
}
