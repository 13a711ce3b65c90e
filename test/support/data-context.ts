import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDatabase, type DatabaseTarget } from '../../src/datasources/query-database.ts';
import { Value } from '@sinclair/typebox/value';
import { mapConfigStrings } from '../../src/domain/config-fields.ts';
import { fillPlaceholders, placeholderValue } from '../../src/domain/placeholders.ts';
import type { ComponentKind } from '../../src/plugins/component-kind.ts';
import type { JobContext, SeriesContext } from '../../src/plugins/run-context.ts';
import type { RunHost } from '../../src/plugins/run-host.ts';
import { allowedPath } from '../../src/settings/folder-access.ts';

/** What a test may set about the run its component is given. */
export interface DataContextOptions {
  taskName?: string;
  timezone?: string;
  scheduledFor?: Date | null;
  condition?: Record<string, unknown> | null;
  placeholders?: Record<string, unknown>;
  permissions?: string[];
  /** Folders allowedPath accepts (real paths). */
  folderRoots?: string[];
  /** Databases host.query reaches, by data source name. */
  dataSources?: Record<string, DatabaseTarget>;
  /** Host services the test provides itself (e.g. audit events from a real store). */
  host?: Partial<RunHost>;
}

/** A job's and a series source's context over real parts, and what the component did with it. */
export interface DataContext {
  job: JobContext;
  series: SeriesContext;
  /** The log lines, as "level: message". */
  log: string[];
  /** The outputs the job published. */
  outputs: Record<string, string | number | boolean>;
  controller: AbortController;
  /**
   * A config as the kind receives it in a run: the schema's defaults added (as the API does),
   * placeholders filled except in fields marked placeholders: false (as the engine does).
   */
  config(kind: ComponentKind, raw: Record<string, unknown>): never;
  dispose(): Promise<void>;
}

function unavailable(name: string): never {
  throw new Error(`host.${name} is not available in this test`);
}

/**
 * Builds the context the engine would give: a real temp work folder, a real log collector, an
 * abort controller, placeholders filled as the engine fills them, the server's own folder check
 * and database access (queryDatabase binds placeholders as parameters).
 */
export async function dataContext(options: DataContextOptions = {}): Promise<DataContext> {
  const workRoot = await mkdtemp(join(tmpdir(), 'tp-data-'));
  const controller = new AbortController();
  const log: string[] = [];
  const outputs: Record<string, string | number | boolean> = {};
  const timezone = options.timezone ?? 'UTC';
  const taskName = options.taskName ?? 'Data test';
  const at = options.scheduledFor ?? new Date();
  const values = {
    'task.name': taskName,
    'task.id': 'task-1',
    'run.id': 'run-1',
    ...options.placeholders,
  };
  const roots = options.folderRoots ?? [];
  const host: RunHost = {
    settings: async () => ({ smtp: null, folderRoots: roots }),
    allowedPath: (path) => allowedPath(path, roots),
    query: async (name, sql, queryValues, signal) => {
      const target = options.dataSources?.[name];
      if (!target) throw new Error(`the data source '${name}' does not exist`);
      const scope = { values: queryValues, timezone, at };
      return queryDatabase(
        target,
        sql,
        (key, format) => placeholderValue(key, format, scope),
        signal,
      );
    },
    startTask: () => unavailable('startTask'),
    auditEvents: () => unavailable('auditEvents'),
    groupMembers: () => unavailable('groupMembers'),
    ...options.host,
  };
  const logger = {
    info: (message: string) => log.push(`info: ${message}`),
    warn: (message: string) => log.push(`warn: ${message}`),
    error: (message: string) => log.push(`error: ${message}`),
  };
  const common = {
    runId: 'run-1',
    task: { id: 'task-1', name: taskName, timezone },
    owner: {
      id: 'user-1',
      login: 'alice',
      displayName: 'Alice',
      email: 'alice@example.com',
      permissions: new Set(options.permissions ?? []),
    },
    placeholders: values,
    fill: (template: string, extra: Readonly<Record<string, unknown>> = {}) =>
      fillPlaceholders(template, { values: { ...values, ...extra }, timezone, at }),
    log: logger,
    signal: controller.signal,
    host,
  };
  const job: JobContext = {
    ...common,
    cause: 'manual',
    scheduledFor: options.scheduledFor ?? null,
    now: () => at,
    workDir: async () => {
      const path = join(workRoot, 'job');
      await mkdir(path, { recursive: true });
      return path;
    },
    condition: options.condition ?? null,
    output: (name, value) => {
      outputs[name] = value;
    },
  };
  return {
    job,
    series: common,
    log,
    outputs,
    controller,
    config: (kind, raw) => {
      const complete = Value.Default(kind.configSchema, structuredClone(raw));
      const scope = { values, timezone, at };
      return mapConfigStrings(kind.configSchema, complete, (text, field) =>
        field.placeholders ? fillPlaceholders(text, scope) : text,
      ) as never;
    },
    dispose: () => rm(workRoot, { recursive: true, force: true }),
  };
}
