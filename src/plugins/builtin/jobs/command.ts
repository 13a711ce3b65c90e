import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename, sep } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineJob } from '../../define-kind.ts';
import type { FileResult } from '../../results.ts';
import type { JobContext, RunLogger } from '../../run-context.ts';
import { openSandbox, type ProgramSandbox } from '../programs/sandbox.ts';
import {
  ExecFailure,
  letProgramRun,
  STARTER_SHELL,
  starterArguments,
} from '../programs/starter.ts';
import { coerceError } from '../../../domain/coerce-error.ts';
import { counted } from '../../../domain/counted.ts';

/**
 * How long a program may take to end after SIGTERM before it gets SIGKILL; and how long, after
 * it exited, its output may take to close.
 */
export const KILL_GRACE_MS = 3_000;

/** Lines longer than this are cut in the log. */
const MAX_LINE_CHARS = 2_000;

/** Lines beyond this many per stream are not logged (but still read, so the program never blocks). */
const MAX_LOGGED_LINES = 1_000;

/**
 * Server variables a program inherits. Only these: the server's environment holds its database
 * address and secret key, which a task's program must not see.
 */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SystemRoot'];

const CommandConfig = Type.Object(
  {
    program: Type.String({
      minLength: 1,
      maxLength: 4096,
      description:
        'The program to run: a path, or a name looked up on the PATH. It is started directly, never through a shell',
    }),
    arguments: Type.Array(Type.String({ maxLength: 100_000 }), {
      default: [],
      maxItems: 1000,
      description:
        'The arguments, each passed to the program as exactly one argument after placeholders are filled: no shell quoting, expansion or globbing',
    }),
    workingFolder: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        folder: true,
        description:
          'The folder the program runs in; it must lie inside an allowed folder. Default: a fresh private folder',
      }),
    ),
    environment: Type.Record(
      Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
      Type.String({ maxLength: 100_000 }),
      {
        default: {},
        additionalProperties: false,
        description:
          'Environment variables for the program. It also gets PATH, HOME, LANG, LC_ALL, TZ and TMPDIR from the server (HOME and TMPDIR are folders of the run when programs run as a separate user), and TASKPLANNER_OUTPUT_DIR',
      },
    ),
    timeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 604_800,
        title: 'Timeout (seconds)',
        description:
          "Stop the program (SIGTERM, then SIGKILL) and fail the job after this many seconds. Default: only the task's timeout applies",
      }),
    ),
    validExitCodes: Type.Array(Type.Integer(), {
      default: [0],
      minItems: 1,
      maxItems: 256,
      description:
        'Exit codes that mean success; any other exit code fails the job (its files are then not results)',
    }),
  },
  { additionalProperties: false },
);

type Config = Static<typeof CommandConfig>;

/**
 * Splits a stream's text into log lines, bounding how much one program can put in the run's
 * log: long lines are cut, and lines past the limit are counted instead of logged.
 */
class LineLog {
  #pending = '';
  /** Inside a line whose cut head was already logged: drop text up to its end. */
  #cutting = false;
  #logged = 0;
  #unlogged = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly label: string,
  ) {}

  push(chunk: string): void {
    const parts = (this.#pending + chunk).split('\n');
    this.#pending = parts.pop() ?? '';
    for (const part of parts) {
      if (this.#cutting) this.#cutting = false;
      else this.#line(part);
    }
    if (!this.#cutting && this.#pending.length > MAX_LINE_CHARS) {
      this.#line(this.#pending);
      this.#pending = '';
      this.#cutting = true;
    }
  }

  /** Logs what is left when the stream ends. */
  end(): void {
    if (!this.#cutting && this.#pending !== '') this.#line(this.#pending);
    this.#pending = '';
    if (this.#unlogged > 0) {
      this.write(`(${this.#unlogged} more lines on ${this.label} were not logged)`);
    }
  }

  #line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') return;
    if (this.#logged >= MAX_LOGGED_LINES) {
      this.#unlogged += 1;
      return;
    }
    this.#logged += 1;
    this.write(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} [cut]` : line);
  }
}

/** The working folder the job names, after the allowed-folder check; undefined when none. */
async function configuredFolder(config: Config, context: JobContext): Promise<string | undefined> {
  if (config.workingFolder === undefined) return undefined;
  const folder = await context.host.allowedPath(config.workingFolder);
  const found = await stat(folder).catch(() => null);
  if (!found?.isDirectory()) throw new Error(`working folder ${folder} is not an existing folder`);
  return folder;
}

function environmentFor(config: Config, sandbox: ProgramSandbox): NodeJS.ProcessEnv {
  const inherited = INHERITED_VARIABLES.flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return {
    ...Object.fromEntries(inherited),
    ...sandbox.environment,
    ...config.environment,
    TASKPLANNER_OUTPUT_DIR: sandbox.outputFolder,
  };
}

/** Signals the program and everything it started (its process group). */
function signalAll(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Why a program could not be started, in words. */
function startError(program: string, error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT') {
    const where = program.includes('/') || program.includes(sep) ? '' : ' on the PATH';
    return new Error(`program '${program}' was not found${where}`);
  }
  if (error.code === 'EACCES')
    return new Error(`program '${program}' may not be run (permission denied)`);
  return new Error(`program '${program}' could not be started: ${error.message}`);
}

/** How a program ended. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ExecuteOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** spawn()'s uid and gid, to run as another user. */
  identity: { uid?: number; gid?: number };
  timeoutSeconds: number | undefined;
  signal: AbortSignal;
  log: RunLogger;
  /** Called once the program has exited and its process group was killed. */
  afterExit(): Promise<void>;
}

/**
 * Ends a running program on request: SIGTERM to its process group, SIGKILL after the grace
 * unless it has ended by then. Keeps the reason.
 */
class Stopper {
  reason: string | null = null;
  #kill: NodeJS.Timeout | undefined;

  constructor(private readonly child: ChildProcess) {}

  stop(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    signalAll(this.child, 'SIGTERM');
    this.#kill = setTimeout(() => signalAll(this.child, 'SIGKILL'), KILL_GRACE_MS).unref();
  }

  /** The program has ended: its group id may be given to another process, so never signal it. */
  ended(): void {
    clearTimeout(this.#kill);
  }
}

/** Logs the program's stdout lines as info and its stderr lines as warnings; returns how to end. */
function logOutput(child: ChildProcess, program: string, log: RunLogger): () => void {
  const name = basename(program);
  const stdout = new LineLog((line) => log.info(`${name}: ${line}`), 'stdout');
  const stderr = new LineLog((line) => log.warn(`${name}: ${line}`), 'stderr');
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  return () => {
    stdout.end();
    stderr.end();
  };
}

/**
 * Waits until the program's output has been read to its end; a process that left the process
 * group (setsid) and survived may hold it open, so only for a while, then the pipes are closed.
 */
async function untilClosed(child: ChildProcess, closed: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), KILL_GRACE_MS);
  });
  const outcome = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

/**
 * Spawns the program through the starter (see starter.ts), leading its own process group, so
 * that its exit and a stop end what it started too (all but what left the group with setsid: see
 * ProgramSandbox.contain).
 */
function spawnProgram(program: string, args: readonly string[], options: ExecuteOptions) {
  return spawn(STARTER_SHELL, starterArguments(program, args), {
    cwd: options.cwd,
    env: options.env,
    ...options.identity,
    shell: false,
    detached: true,
    // fd 3: the starter's channel to the server (see starter.ts), closed for the program.
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
}

/**
 * Spawns the program (see spawnProgram); resolves with it and its pid, or rejects with why it did
 * not start.
 */
async function spawnStarted(program: string, args: readonly string[], options: ExecuteOptions) {
  let child: ChildProcess;
  try {
    child = spawnProgram(program, args, options);
  } catch (error) {
    // Failures such as EPERM (switching the user) are thrown rather than emitted.
    throw startError(program, error as NodeJS.ErrnoException);
  }
  const { pid } = child;
  if (pid !== undefined) return { child, pid };
  throw await new Promise<Error>((resolve) => {
    child.once('error', (error) => resolve(startError(program, error)));
  });
}

/** Stops the program when the run is aborted or the job's timeout passes; returns how to stop. */
function stopOnRequest(program: string, stopper: Stopper, options: ExecuteOptions): () => void {
  const onAbort = () => stopper.stop('stopped: the run was stopped');
  options.signal.addEventListener('abort', onAbort, { once: true });
  const seconds = options.timeoutSeconds;
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(
          () => stopper.stop(`program '${program}' ran longer than ${seconds} s and was stopped`),
          seconds * 1000,
        );
  return () => {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  };
}

/** Lets the program run (see letProgramRun); failure says why it did not, else it is null. */
async function letRun(child: ChildProcess, pid: number, program: string) {
  try {
    return { unwatch: await letProgramRun(child, pid), failure: null };
  } catch (error) {
    const failure = error instanceof ExecFailure ? startError(program, error) : coerceError(error);
    return { unwatch: () => {}, failure };
  }
}

/**
 * Runs the program with its arguments as an argv array (no shell interprets them: the starter
 * passes them on as they are), logging its output as it comes. It starts only once the
 * watchdog would kill its process group should the server die (see letProgramRun). When it exits, everything left in its process group is killed: a
 * program's background processes end with it, not with the run or the server. A timeout or an
 * abort stops it (see Stopper) and rejects once its output has closed.
 */
async function execute(
  program: string,
  args: readonly string[],
  options: ExecuteOptions,
): Promise<Exit> {
  if (options.signal.aborted) throw new Error('stopped before the program started');
  const { child, pid } = await spawnStarted(program, args, options);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stopper = new Stopper(child);
  const stopWatching = stopOnRequest(program, stopper, options);
  const endLog = logOutput(child, program, options.log);
  const { unwatch, failure } = await letRun(child, pid, program);
  const exit = await exited;
  signalAll(child, 'SIGKILL');
  unwatch();
  stopper.ended();
  stopWatching();
  await options.afterExit();
  await untilClosed(child, closed);
  endLog();
  if (failure !== null) throw failure;
  if (stopper.reason !== null) throw new Error(stopper.reason);
  return exit;
}

async function runCommand(config: Config, context: JobContext): Promise<FileResult[]> {
  const chosenFolder = await configuredFolder(config, context);
  const sandbox = await openSandbox(context);
  try {
    context.log.info(
      `running ${config.program} with ${counted(config.arguments.length, 'argument')}`,
    );
    const exit = await execute(config.program, config.arguments, {
      cwd: chosenFolder ?? sandbox.workFolder,
      env: environmentFor(config, sandbox),
      identity: sandbox.identity,
      timeoutSeconds: config.timeoutSeconds,
      signal: context.signal,
      log: context.log,
      afterExit: () => sandbox.contain(),
    });
    if (exit.code === null) {
      throw new Error(
        `program '${config.program}' was ended by signal ${exit.signal ?? 'unknown'}`,
      );
    }
    context.output('exitCode', exit.code);
    if (!config.validExitCodes.includes(exit.code)) {
      throw new Error(
        `program '${config.program}' exited with code ${exit.code}, not one of the valid exit codes (${config.validExitCodes.join(', ')})`,
      );
    }
    const files = await sandbox.outputs();
    context.log.info(
      `${config.program} exited with code ${exit.code}; ${counted(files.length, 'file')}`,
    );
    return files;
  } finally {
    await sandbox.dispose();
  }
}

/** Runs a program (no shell); the files it writes into TASKPLANNER_OUTPUT_DIR are its results. */
export const commandJob = defineJob({
  kind: 'command',
  title: 'Run a program',
  description:
    'Runs a program with arguments (never through a shell); the files it writes into the folder named by TASKPLANNER_OUTPUT_DIR become results',
  configSchema: CommandConfig,
  permission: 'job.command',
  produces: ['file'],
  run: runCommand,
});
