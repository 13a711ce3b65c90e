import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { JobKind } from '../../component-kind.ts';
import type { FileResult } from '../../results.ts';
import type { JobContext, RunLogger } from '../../run-context.ts';

/** How long a program may take to end after SIGTERM before it gets SIGKILL. */
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

/** On POSIX the program leads its own process group, so a stop also ends what it started. */
const OWN_PROCESS_GROUP = process.platform !== 'win32';

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
          'Environment variables for the program. It also gets PATH, HOME, LANG, LC_ALL, TZ and TMPDIR from the server, and TASKPLANNER_OUTPUT_DIR',
      },
    ),
    timeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 604_800,
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

/** The working folder: the one configured (after the allowed-folder check), else a fresh one. */
async function workingFolder(config: Config, context: JobContext): Promise<string> {
  if (config.workingFolder === undefined) return freshFolder(context, 'work');
  const folder = await context.host.allowedPath(config.workingFolder);
  const found = await stat(folder).catch(() => null);
  if (!found?.isDirectory()) throw new Error(`working folder ${folder} is not an existing folder`);
  return folder;
}

async function freshFolder(context: JobContext, name: string): Promise<string> {
  const folder = join(await context.workDir(), name);
  await mkdir(folder, { recursive: true });
  return folder;
}

function environmentFor(config: Config, outputDir: string): NodeJS.ProcessEnv {
  const inherited = INHERITED_VARIABLES.flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return {
    ...Object.fromEntries(inherited),
    ...config.environment,
    TASKPLANNER_OUTPUT_DIR: outputDir,
  };
}

/** Signals the program and everything it started (its process group). */
function signalAll(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (OWN_PROCESS_GROUP) process.kill(-child.pid, signal);
    else child.kill(signal);
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
  timeoutSeconds: number | undefined;
  signal: AbortSignal;
  log: RunLogger;
}

/**
 * Ends a running program on request: SIGTERM to its process group, SIGKILL after the grace
 * (even if the program itself is gone by then: what it left behind goes too). Keeps the reason.
 */
class Stopper {
  reason: string | null = null;

  constructor(private readonly child: ChildProcess) {}

  stop(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    signalAll(this.child, 'SIGTERM');
    setTimeout(() => signalAll(this.child, 'SIGKILL'), KILL_GRACE_MS).unref();
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
 * Runs the program with its arguments as an argv array (no shell), logging its output as it
 * comes. A timeout or an abort stops it (see Stopper) and rejects once its output has closed.
 */
function execute(program: string, args: readonly string[], options: ExecuteOptions): Promise<Exit> {
  if (options.signal.aborted)
    return Promise.reject(new Error('stopped before the program started'));
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env,
    shell: false,
    detached: OWN_PROCESS_GROUP,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const stopper = new Stopper(child);
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
  const endLog = logOutput(child, program, options.log);
  const finish = () => {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  };
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      finish();
      reject(startError(program, error));
    });
    child.once('close', (code, signal) => {
      finish();
      endLog();
      if (stopper.reason !== null) reject(new Error(stopper.reason));
      else resolve({ code, signal });
    });
  });
}

/** Every regular file below folder, as file results named by their path inside it. */
async function filesIn(folder: string, log: RunLogger): Promise<FileResult[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const results: FileResult[] = [];
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    const name = relative(folder, path).split(sep).join('/');
    // A link could point anywhere on the server; only files the program wrote are results.
    if (entry.isSymbolicLink()) log.warn(`output ${name} is a link and is not a result`);
    if (entry.isFile()) results.push({ type: 'file', name, path });
  }
  return results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function runCommand(config: Config, context: JobContext): Promise<FileResult[]> {
  const cwd = await workingFolder(config, context);
  const outputDir = await freshFolder(context, 'output');
  context.log.info(`running ${config.program} with ${config.arguments.length} argument(s)`);
  const exit = await execute(config.program, config.arguments, {
    cwd,
    env: environmentFor(config, outputDir),
    timeoutSeconds: config.timeoutSeconds,
    signal: context.signal,
    log: context.log,
  });
  if (exit.code === null) {
    throw new Error(`program '${config.program}' was ended by signal ${exit.signal ?? 'unknown'}`);
  }
  context.output('exitCode', exit.code);
  if (!config.validExitCodes.includes(exit.code)) {
    throw new Error(
      `program '${config.program}' exited with code ${exit.code}, not one of the valid exit codes (${config.validExitCodes.join(', ')})`,
    );
  }
  const files = await filesIn(outputDir, context.log);
  context.log.info(`${config.program} exited with code ${exit.code}; ${files.length} file(s)`);
  return files;
}

/** Runs a program (no shell); the files it writes into TASKPLANNER_OUTPUT_DIR are its results. */
export const commandJob: JobKind = {
  category: 'job',
  kind: 'command',
  title: 'Run a program',
  description:
    'Runs a program with arguments (never through a shell); the files it writes into the folder named by TASKPLANNER_OUTPUT_DIR become results',
  configSchema: CommandConfig,
  permission: 'job.command',
  produces: ['file'],
  run: runCommand,
};
