import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDatabase, type DatabaseTarget } from '../../src/datasources/query-database.ts';
import {
  fillPlaceholders,
  placeholderValue,
  type PlaceholderScope,
} from '../../src/domain/placeholders.ts';
import { DEFAULT_SETTINGS, type SmtpSettings } from '../../src/domain/settings.ts';
import { configForRun } from '../../src/engine/component-config.ts';
import type { ComponentKind } from '../../src/plugins/component-kind.ts';
import { ComponentRegistry } from '../../src/plugins/registry.ts';
import type { DeliveredResult, FileResult } from '../../src/plugins/results.ts';
import type { OutgoingMail, RunHost } from '../../src/plugins/run-host.ts';
import { attemptDelivery, type AttemptResult } from '../../src/mail/delivery-attempt.ts';
import { outboxMessageOf } from '../../src/mail/outbox-message.ts';
import type {
  ActionContext,
  JobContext,
  RunLogger,
  SeriesContext,
} from '../../src/plugins/run-context.ts';
import { sealSecrets } from '../../src/secrets/protect-config.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { allowedPath, realFolder } from '../../src/settings/folder-access.ts';
import { LOOPBACK_NETWORKS } from './http-peer.ts';
import { memorySavedFiles } from './memory-saved-files.ts';

/** One line a component logged. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A file result as an action receives it. */
export type DeliveredFile = FileResult & { jobId: string; valid: boolean };

/** What a test may set about the run its component is given. */
export interface HarnessOptions {
  /** Default 'Nightly export'. */
  taskName?: string;
  /** The task's zone; default UTC. */
  timezone?: string;
  /** The instant now() returns and {date} and {time} show; default the real clock. */
  at?: Date;
  scheduledFor?: Date | null;
  /** The job's condition. */
  condition?: Record<string, unknown> | null;
  /** Placeholders besides task.name, task.id, run.id and run.cause. */
  placeholders?: Record<string, unknown>;
  /** The owner's permissions; default taskplanner. */
  permissions?: string[];
  /** The allowed folder roots host.allowedPath() checks against (made real, as the settings are). */
  folderRoots?: string[];
  /** The networks host.settings() allows; default the loopback networks the test peers use. */
  allowedNetworks?: readonly string[];
  /** The networks host.settings() denies; default the server's default list. */
  deniedNetworks?: readonly string[];
  /** The default SMTP server host.settings() gives; default none. */
  smtp?: SmtpSettings | null;
  /** The databases host.query() reaches, by data source name. */
  dataSources?: Record<string, DatabaseTarget>;
  /** The results the action receives (file() adds to them). */
  results?: readonly DeliveredResult[];
  /** Host services the test provides itself (e.g. audit events from a real store). */
  host?: Partial<RunHost>;
}

/** A job's, an action's and a series source's context over real parts, and what they did. */
export interface ComponentHarness {
  job: JobContext;
  action: ActionContext;
  series: SeriesContext;
  lines: LogLine[];
  /** What the job published with output(). */
  outputs: Record<string, string | number | boolean>;
  controller: AbortController;
  /** The folder workDir() returns (made on first use). */
  workDir: string;
  /** Resolves with the first logged line containing text (at once if one already did). */
  untilLogged(text: string): Promise<LogLine>;
  /**
   * The config as a run gives it to the kind: checked against the kind's schema and check()
   * (throwing the issues) with the schema's defaults filled in, as the API stores it; then, as
   * the engine does, secrets opened and placeholders filled except where the schema says
   * placeholders: false. Typed never, as kinds' run() takes it.
   */
  configFor(kind: ComponentKind, config: Record<string, unknown>): never;
  /** Writes a file and adds it to the action's results, as a job's file result. */
  file(name: string, content: string | Uint8Array, mediaType?: string): Promise<DeliveredFile>;
  /** The mail the action put in the outbox (host.queueMail), in order. */
  queued: OutgoingMail[];
  /**
   * Sends each queued message once through the SMTP server it names, as the outbox's delivery
   * does with the host's settings; empties the queue and resolves to each attempt's result.
   */
  deliverQueued(): Promise<AttemptResult[]>;
  /** Aborts the run and removes its folders. */
  dispose(): Promise<void>;
}

/** Seals and opens config secrets, as the server's box does. */
const box = new SecretBox('component tests');

function unavailable(name: string): () => never {
  return () => {
    throw new Error(`host.${name} is not available in component tests`);
  };
}

function configFor(
  kind: ComponentKind,
  config: Record<string, unknown>,
  scope: PlaceholderScope,
): never {
  const registry = new ComponentRegistry();
  registry.register(kind);
  const stored = structuredClone(config);
  const issues = registry.checkComponent(kind.category, kind.kind, stored, '', 'UTC');
  if (issues.length > 0) throw new Error(`invalid config: ${JSON.stringify(issues)}`);
  const sealed = sealSecrets(box, kind.configSchema, stored, undefined) as Record<string, unknown>;
  return configForRun(
    kind,
    { id: kind.kind, kind: kind.kind, config: sealed },
    box,
    scope,
  ) as never;
}

/** A log that collects lines and wakes those waiting for one. */
function collector() {
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
  const untilLogged = (text: string) => {
    const found = lines.find((line) => line.message.includes(text));
    if (found) return Promise.resolve(found);
    return new Promise<LogLine>((resolve) => waiters.push({ text, resolve }));
  };
  return { lines, log, untilLogged };
}

/**
 * Builds the contexts the engine would give a job, an action and a series source: a temp work
 * folder, a collecting log, an abort controller, placeholders filled as the engine fills them,
 * and a host with the server's own folder check and database access.
 */
export async function componentHarness(options: HarnessOptions = {}): Promise<ComponentHarness> {
  const root = await mkdtemp(join(tmpdir(), 'tp-component-'));
  const workDir = join(root, 'work');
  const { lines, log, untilLogged } = collector();
  const controller = new AbortController();
  const outputs: Record<string, string | number | boolean> = {};
  const results: DeliveredResult[] = [...(options.results ?? [])];
  const taskName = options.taskName ?? 'Nightly export';
  const timezone = options.timezone ?? 'UTC';
  const at = options.at ?? options.scheduledFor ?? new Date();
  const values = {
    'task.id': 'task-1',
    'task.name': taskName,
    'run.id': 'run-1',
    'run.cause': 'manual',
    ...options.placeholders,
  };
  const scope: PlaceholderScope = { values, timezone, at };
  const folderRoots = await Promise.all((options.folderRoots ?? []).map(realFolder));
  const queued: OutgoingMail[] = [];
  const settings = {
    ...DEFAULT_SETTINGS,
    smtp: options.smtp ?? null,
    folderRoots,
    allowedNetworks: [...(options.allowedNetworks ?? LOOPBACK_NETWORKS)],
    deniedNetworks: [...(options.deniedNetworks ?? DEFAULT_SETTINGS.deniedNetworks)],
  };
  const host: RunHost = {
    settings: async () => settings,
    allowedPath: (path) => allowedPath(path, folderRoots),
    query: async (name, sql, queryValues, signal) => {
      const target = options.dataSources?.[name];
      if (!target) {
        throw new Error(
          `the data source '${name}' does not exist or the task's owner may not use it`,
        );
      }
      const bound = { ...scope, values: queryValues };
      return queryDatabase(
        target,
        sql,
        (key, format) => placeholderValue(key, format, bound),
        signal,
      );
    },
    startTask: unavailable('startTask'),
    auditEvents: unavailable('auditEvents'),
    groupMembers: unavailable('groupMembers'),
    syncDirectory: unavailable('syncDirectory'),
    savedFiles: memorySavedFiles(),
    queueMail: async (mail) => {
      queued.push(mail);
    },
    ...options.host,
  };
  const series: SeriesContext = {
    runId: 'run-1',
    task: { id: 'task-1', name: taskName, timezone },
    owner: {
      id: 'user-1',
      login: 'alice',
      displayName: 'Alice',
      email: 'alice@example.com',
      permissions: new Set(options.permissions ?? ['taskplanner']),
    },
    placeholders: values,
    fill: (template, extra = {}) =>
      fillPlaceholders(template, { ...scope, values: { ...values, ...extra } }),
    log,
    signal: controller.signal,
    host,
  };
  const component = {
    ...series,
    cause: 'manual' as const,
    scheduledFor: options.scheduledFor ?? null,
    now: () => options.at ?? new Date(),
    workDir: async () => {
      await mkdir(workDir, { recursive: true });
      return workDir;
    },
  };
  return {
    job: {
      ...component,
      condition: options.condition ?? null,
      output: (name, value) => {
        outputs[name] = value;
      },
    },
    action: { ...component, results },
    series,
    lines,
    outputs,
    controller,
    workDir,
    untilLogged,
    configFor: (kind, config) => configFor(kind, config, scope),
    file: async (name, content, mediaType) => {
      const folder = join(root, 'results');
      await mkdir(folder, { recursive: true });
      const path = join(folder, `${results.length}-${name}`);
      await writeFile(path, content);
      const result: FileResult = { type: 'file', name, path, ...(mediaType ? { mediaType } : {}) };
      const delivered: DeliveredFile = { ...result, jobId: 'job-1', valid: true };
      results.push(delivered);
      return delivered;
    },
    queued,
    deliverQueued: async () => {
      const results: AttemptResult[] = [];
      const origin = {
        runId: 'run-1',
        taskId: 'task-1',
        ownerId: 'user-1',
        purpose: 'action' as const,
      };
      for (const mail of queued.splice(0)) {
        const message = outboxMessageOf(mail, origin, box, Date.now(), 24);
        const attempt = { ...message, recipients: mail.recipients };
        const deps = { settings: () => host.settings(), box, signal: controller.signal };
        results.push(await attemptDelivery(attempt, deps));
      }
      return results;
    },
    dispose: async () => {
      controller.abort('canceled');
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The log as "LEVEL message" lines, for assertion messages. */
export function logText(lines: readonly LogLine[]): string {
  return lines.map((line) => `${line.level.toUpperCase()} ${line.message}`).join('\n');
}
