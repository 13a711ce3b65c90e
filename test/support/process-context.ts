import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { fillPlaceholders } from '../../src/domain/placeholders.ts';
import type { ComponentOutcome, Run } from '../../src/domain/run.ts';
import type { DeliveredResult } from '../../src/plugins/results.ts';
import type { RunHost } from '../../src/plugins/run-host.ts';
import type {
  ActionContext,
  ComponentContext,
  JobContext,
  RunLogger,
} from '../../src/plugins/run-context.ts';
import type { ApiClient } from './api-client.ts';
import type { EngineApp } from './engine-app.ts';

/** One line a component logged. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A context for calling a kind's run() directly, and what the test observes through it. */
export interface ComponentHarness<C> {
  context: C;
  lines: LogLine[];
  /** What the job published with output(). */
  outputs: Map<string, string | number | boolean>;
  controller: AbortController;
  /** The folder workDir() returns (made on first use). */
  workDir: string;
  /** Resolves with the first logged line containing text (at once if one already did). */
  untilLogged(text: string): Promise<LogLine>;
  dispose(): Promise<void>;
}

/** What a harness is built from. */
export interface HarnessOptions {
  placeholders?: Record<string, unknown>;
  /** The allowed folder roots allowedPath() checks against. */
  folderRoots?: string[];
}

/** Whether path lies inside root (or is root). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of path, or of its nearest existing parent joined with the rest. */
async function realOrParent(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(await realOrParent(parent), relative(parent, path));
  }
}

/** A RunHost that checks folders against roots (links followed) and offers nothing else. */
function folderHost(roots: readonly string[]): RunHost {
  const unavailable = () => Promise.reject(new Error('not available in component tests'));
  return {
    settings: async () => ({ smtp: null, folderRoots: [...roots] }),
    allowedPath: async (path) => {
      const real = await realOrParent(resolve(path));
      const realRoots = await Promise.all(roots.map(realOrParent));
      if (realRoots.some((root) => inside(root, real))) return real;
      throw new Error(`path ${path} is outside the allowed folders`);
    },
    query: unavailable,
    startTask: unavailable,
    auditEvents: unavailable,
    groupMembers: unavailable,
  };
}

async function harness(options: HarnessOptions) {
  const root = await mkdtemp(join(tmpdir(), 'tp-component-'));
  const workDir = join(root, 'work');
  const lines: LogLine[] = [];
  const waiters: Array<{ text: string; resolve: (line: LogLine) => void }> = [];
  const write = (level: LogLine['level']) => (message: string) => {
    const line = { level, message };
    lines.push(line);
    for (const waiter of waiters.filter((w) => message.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  };
  const log: RunLogger = { info: write('info'), warn: write('warn'), error: write('error') };
  const controller = new AbortController();
  const placeholders = {
    'task.id': 'task-1',
    'task.name': 'Nightly export',
    'run.id': 'run-1',
    'run.cause': 'manual',
    ...options.placeholders,
  };
  const context: ComponentContext = {
    runId: 'run-1',
    task: { id: 'task-1', name: 'Nightly export', timezone: 'UTC' },
    owner: {
      id: 'user-1',
      login: 'alice',
      displayName: 'Alice',
      email: 'alice@example.com',
      permissions: new Set(['taskplanner']),
    },
    cause: 'manual',
    scheduledFor: null,
    now: () => new Date(),
    placeholders,
    fill: (template, extra = {}) =>
      fillPlaceholders(template, {
        values: { ...placeholders, ...extra },
        timezone: 'UTC',
        at: new Date(),
      }),
    log,
    signal: controller.signal,
    workDir: async () => {
      await mkdir(workDir, { recursive: true });
      return workDir;
    },
    host: folderHost(options.folderRoots ?? []),
  };
  return {
    context,
    lines,
    controller,
    workDir,
    untilLogged: (text: string) => {
      const found = lines.find((line) => line.message.includes(text));
      if (found) return Promise.resolve(found);
      return new Promise<LogLine>((resolve) => waiters.push({ text, resolve }));
    },
    dispose: async () => {
      controller.abort('canceled');
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A job context over a fresh work folder, a collecting log and an abort controller. */
export async function jobHarness(
  options: HarnessOptions = {},
): Promise<ComponentHarness<JobContext>> {
  const base = await harness(options);
  const outputs = new Map<string, string | number | boolean>();
  const context: JobContext = {
    ...base.context,
    condition: null,
    output: (name, value) => outputs.set(name, value),
  };
  return { ...base, context, outputs };
}

/** An action context that delivers results. */
export async function actionHarness(
  results: readonly DeliveredResult[],
  options: HarnessOptions = {},
): Promise<ComponentHarness<ActionContext>> {
  const base = await harness(options);
  return { ...base, context: { ...base.context, results }, outputs: new Map() };
}

/** The log as "LEVEL message" lines, for assertion messages. */
export function logText(lines: readonly LogLine[]): string {
  return lines.map((line) => `${line.level.toUpperCase()} ${line.message}`).join('\n');
}

/** Creates a task as the client, starts it (with parameters) and resolves with the ended run. */
export async function runThroughEngine(
  t: EngineApp,
  client: ApiClient,
  task: Record<string, unknown>,
  parameters?: Record<string, string>,
): Promise<Run> {
  const created = await client.post('/api/v1/tasks', { name: 'process task', ...task });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await client.post(
    `/api/v1/tasks/${created.body.id}/run`,
    parameters ? { parameters } : undefined,
  );
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return t.ended(started.body.runId);
}

/** A component's outcome in the run's first item, by component id. */
export function componentOf(run: Run, id: string): ComponentOutcome {
  const found = run.items[0]?.components.find((component) => component.id === id);
  assert.ok(found, `no component ${id} in ${JSON.stringify(run.items)}`);
  return found;
}

/** The run's log as text. */
export async function runLog(client: ApiClient, run: Run): Promise<string> {
  const log = await client.get(`/api/v1/runs/${run.id}/log`);
  assert.equal(log.status, 200);
  return String(log.body);
}
