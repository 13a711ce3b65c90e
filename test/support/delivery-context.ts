import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillPlaceholders } from '../../src/domain/placeholders.ts';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../src/domain/settings.ts';
import type { ComponentOutcome, Run } from '../../src/domain/run.ts';
import { mapConfigStrings } from '../../src/domain/config-fields.ts';
import type { ActionKind } from '../../src/plugins/component-kind.ts';
import { ComponentRegistry } from '../../src/plugins/registry.ts';
import type { DeliveredResult, FileResult } from '../../src/plugins/results.ts';
import type { RunHost } from '../../src/plugins/run-host.ts';
import type { ActionContext } from '../../src/plugins/run-context.ts';
import { allowedPath, realFolder } from '../../src/settings/folder-access.ts';
import type { ApiClient } from './api-client.ts';
import type { EngineApp } from './engine-app.ts';

/** A file result as an action receives it. */
export type DeliveredFile = FileResult & { jobId: string; valid: boolean };

/** A line the action wrote to its log. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** An action context from real parts, and what the test needs to look into it. */
export interface DeliveryContext {
  context: ActionContext;
  log: LogLine[];
  abort: AbortController;
  /** A folder for the results' files and the work folder, removed by dispose. */
  scratch: string;
  /**
   * The config as a run gives it to the kind: checked against the kind's schema and check()
   * (throwing the issues), defaults filled in, placeholders filled except where the schema
   * says placeholders: false or secret. Typed never, as kinds' run() takes it.
   */
  configFor(kind: ActionKind, config: Record<string, unknown>): never;
  /** Writes a file into the scratch folder and returns it as a delivered file result. */
  file(name: string, content: string | Uint8Array, mediaType?: string): Promise<DeliveredFile>;
  dispose(): Promise<void>;
}

/** The options of deliveryContext. */
export interface DeliveryContextOptions {
  settings?: Partial<ServerSettings>;
  placeholders?: Record<string, unknown>;
  /** The instant {date} and {time} show and now() returns; default 2026-03-02T08:00:00Z. */
  at?: Date;
  timezone?: string;
}

function unavailable(name: string): never {
  throw new Error(`${name} is not available in delivery tests`);
}

function hostFor(settings: ServerSettings): RunHost {
  return {
    settings: async () => settings,
    allowedPath: async (path) => allowedPath(path, settings.folderRoots),
    query: () => unavailable('query'),
    startTask: () => unavailable('startTask'),
    auditEvents: () => unavailable('auditEvents'),
    groupMembers: () => unavailable('groupMembers'),
  };
}

function configFor(
  kind: ActionKind,
  config: Record<string, unknown>,
  context: ActionContext,
): never {
  const registry = new ComponentRegistry();
  registry.register(kind);
  const copy = structuredClone(config);
  const issues = registry.checkComponent('action', kind.kind, copy, '');
  if (issues.length > 0) throw new Error(`invalid config: ${JSON.stringify(issues)}`);
  return mapConfigStrings(kind.configSchema, copy, (text, field) =>
    field.secret || !field.placeholders ? text : context.fill(text),
  ) as never;
}

/**
 * An action context for calling a delivery kind's run() directly: real placeholders, a log
 * collector, a temp work folder, an AbortController and a host whose folder check is the
 * server's own (roots made real as the settings service stores them).
 */
export async function deliveryContext(
  options: DeliveryContextOptions = {},
): Promise<DeliveryContext> {
  const scratch = await mkdtemp(join(tmpdir(), 'tp-delivery-'));
  const work = join(scratch, '.work');
  const roots = await Promise.all((options.settings?.folderRoots ?? []).map(realFolder));
  const settings = { ...DEFAULT_SETTINGS, ...options.settings, folderRoots: roots };
  const log: LogLine[] = [];
  const abort = new AbortController();
  const values = {
    'task.name': 'Daily report',
    'task.id': 'task-1',
    'run.id': 'run-1',
    ...options.placeholders,
  };
  const scope = {
    values,
    timezone: options.timezone ?? 'Europe/Berlin',
    at: options.at ?? new Date('2026-03-02T08:00:00Z'),
  };
  const results: DeliveredResult[] = [];
  const context: ActionContext = {
    runId: 'run-1',
    task: { id: 'task-1', name: 'Daily report', timezone: scope.timezone },
    owner: {
      id: 'user-1',
      login: 'alice',
      displayName: 'Alice',
      email: 'alice@example.com',
      permissions: new Set(['taskplanner']),
    },
    cause: 'manual',
    scheduledFor: null,
    now: () => scope.at,
    placeholders: values,
    fill: (template, extra = {}) =>
      fillPlaceholders(template, { ...scope, values: { ...values, ...extra } }),
    log: {
      info: (message) => log.push({ level: 'info', message }),
      warn: (message) => log.push({ level: 'warn', message }),
      error: (message) => log.push({ level: 'error', message }),
    },
    signal: abort.signal,
    workDir: async () => {
      await mkdir(work, { recursive: true });
      return work;
    },
    host: hostFor(settings),
    results,
  };
  return {
    context,
    configFor: (kind, config) => configFor(kind, config, context),
    log,
    abort,
    scratch,
    file: async (name, content, mediaType) => {
      const path = join(scratch, `${results.length}-${name}`);
      await writeFile(path, content);
      const result: FileResult = { type: 'file', name, path, ...(mediaType ? { mediaType } : {}) };
      const delivered: DeliveredFile = { ...result, jobId: 'job-1', valid: true };
      results.push(delivered);
      return delivered;
    },
    dispose: () => rm(scratch, { recursive: true, force: true }),
  };
}

/** Creates a task as client, starts it at once and resolves to its id and the ended run. */
export async function runTask(
  t: EngineApp,
  client: ApiClient,
  task: Record<string, unknown>,
  parameters?: Record<string, string>,
): Promise<{ taskId: string; run: Run }> {
  const created = await client.post('/api/v1/tasks', { name: 'Delivery task', ...task });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await client.post(
    `/api/v1/tasks/${created.body.id}/run`,
    parameters ? { parameters } : undefined,
  );
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return { taskId: created.body.id, run: await t.ended(started.body.runId) };
}

/** The outcome of the run's only action. */
export function actionOutcome(run: Run): ComponentOutcome {
  const actions = run.items
    .flatMap((item) => item.components)
    .filter((c) => c.category === 'action');
  assert.equal(actions.length, 1, JSON.stringify(run.items));
  return actions[0] as ComponentOutcome;
}
