import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ItemOutcome, RecordedResult, RunStatus } from '../domain/run.ts';
import type { ActionComponent, Task } from '../domain/task.ts';
import type { DeliveryPreview } from '../plugins/delivery-preview.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { ComponentContext, RunOwner, SeriesContext } from '../plugins/run-context.ts';
import type { RunTicket, Store } from '../store/store.ts';
import type { StopReason } from './live-runs.ts';
import { fillPlaceholders, isReservedName, type PlaceholderScope } from '../domain/placeholders.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ServerSettings } from '../domain/settings.ts';
import { configForRun, secretsOf } from './component-config.ts';
import { runComponent } from './component-scope.ts';
import {
  deniedComponents,
  deniedTrigger,
  ownerProblem,
  type OwnerState,
} from './permission-check.ts';
import type { HeldMail, HostedRun, RunHosts } from './run-host.ts';
import { runItem, type ItemInput } from './pipeline.ts';
import { recordResults } from './result-recorder.ts';
import { runUrl } from '../notices/run-notice.ts';
import type { RunLog } from './run-log.ts';
import { coerceError } from '../domain/coerce-error.ts';
import { because, NO_REASON, type RunReason } from '../domain/reason-codes.ts';

/** How a run ended, before it is written: its status, why (a code and its detail), what it did. */
export type Execution = RunReason & {
  status: RunStatus;
  items: ItemOutcome[];
  results: RecordedResult[];
};

/**
 * How a run treats what it makes: a saved task's keeps its files and holds its mail until its
 * end is written; an unsaved one's (POST /tasks/execute) describes its files and sends its mail
 * at once; in a dry run, actions only report what they would deliver.
 */
export interface RunMode {
  unsaved: boolean;
  /** A dry run: what each item's actions would deliver goes here. */
  previews?: (item: number, action: ActionComponent, preview: DeliveryPreview) => void;
}

/** A saved task's run. */
const SAVED_RUN: RunMode = { unsaved: false };

/** A status and why the run ended with it. */
type Ending = Pick<Execution, 'status'> & RunReason;

/** What the runner needs. */
export interface RunnerOptions {
  store: Store;
  registry: ComponentRegistry;
  /** The server's services as components use them. */
  hosts: RunHosts;
  /** Opens the secrets in components' configs. */
  box: SecretBox;
  /** The server-wide settings, as read lately (the server's address for {run.url}). */
  settings: () => Promise<ServerSettings>;
  now: () => number;
  /** Where runs get their private working folders. */
  workRoot: string;
  jobConcurrency: number;
}

function runOwner(owner: OwnerState): RunOwner {
  const { id, login, displayName, email } = owner.user;
  return { id, login, displayName, email, permissions: owner.permissions };
}

/** How the run ended from its items' outcomes; a component the owner may not use is theirs. */
function combine(items: readonly ItemOutcome[], denied: ReadonlyMap<string, string>): Ending {
  const failed = items.filter((item) => item.status !== 'succeeded');
  if (failed.length === 0) {
    if (items.length > 0) return { status: 'succeeded', ...NO_REASON };
    return { status: 'succeeded', ...because('series-empty', 'the series was empty') };
  }
  const first = failed[0]?.components.find(
    (component) => component.status !== 'succeeded' && component.status !== 'skipped',
  );
  const message = first?.message ?? 'a component failed';
  if (failed.length === items.length) {
    const code = first && denied.has(first.id) ? 'owner-lacks-permission' : 'component-failed';
    return { status: 'failed', ...because(code, message) };
  }
  const counted = `${failed.length} of ${items.length} items failed; first: ${message}`;
  return { status: 'partially-failed', ...because('items-failed', counted) };
}

/** The placeholders every component of the run may use. */
function runPlaceholders(
  ticket: RunTicket,
  task: Task,
  owner: OwnerState,
  run: { startedAt: number; publicUrl: string | null },
): Record<string, unknown> {
  return {
    'task.name': task.name,
    'task.id': task.id,
    'task.owner': owner.user.login,
    'run.id': ticket.id,
    'run.cause': ticket.cause,
    'run.startedAt': new Date(run.startedAt).toISOString(),
    'run.url': runUrl(run.publicUrl, ticket.id),
  };
}

/** The parameters only the engine gives (callers may not use reserved names: trigger.*). */
function engineParameters(parameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => isReservedName(name)));
}

/** The execution with the task's secrets written as *** in every message and the reason. */
function redacted(execution: Execution, log: RunLog): Execution {
  const hide = (text: string | null) => (text === null ? null : log.redactText(text));
  const why =
    execution.reasonCode === null
      ? NO_REASON
      : because(execution.reasonCode, log.redactText(execution.reason));
  return {
    ...execution,
    ...why,
    items: execution.items.map((item) => ({
      ...item,
      components: item.components.map((c) => ({ ...c, message: hide(c.message) })),
    })),
  };
}

/** How a run its signal stopped ends: the status of the stop, and why. */
function stopped(stop: StopReason, task: Task): Ending {
  switch (stop) {
    case 'canceled':
      return { status: 'canceled', ...because('canceled', 'canceled while it ran') };
    case 'timed-out': {
      const detail = `exceeded its timeout of ${task.policy.timeoutSeconds} s`;
      return { status: 'timed-out', ...because('timed-out', detail) };
    }
    case 'interrupted': {
      const detail = 'its server stopped it before it ended';
      return { status: 'interrupted', ...because('server-stopped', detail) };
    }
  }
}

/**
 * Executes one claimed run as its owner: checks the owner's permissions for every component,
 * resolves the series, runs each item's jobs and actions, keeps the results.
 */
export class Runner {
  constructor(private readonly options: RunnerOptions) {}

  async execute(
    ticket: RunTicket,
    task: Task,
    owner: OwnerState | undefined,
    log: RunLog,
    signal: AbortSignal,
    mail: HeldMail,
    mode: RunMode = SAVED_RUN,
  ): Promise<Execution> {
    const problem = ownerProblem(owner);
    if (problem || !owner) {
      return { status: 'failed', ...(problem ?? NO_REASON), items: [], results: [] };
    }
    const workDir = { path: join(this.options.workRoot, ticket.id), used: false };
    try {
      const run = { ticket, task, owner, mail, unsaved: mode.unsaved };
      return redacted(await this.#executeAs(run, mode, log, signal, workDir), log);
    } finally {
      if (workDir.used) await rm(workDir.path, { recursive: true, force: true });
    }
  }

  async #executeAs(
    { ticket, task, owner, mail }: Omit<HostedRun, 'scope'>,
    mode: RunMode,
    log: RunLog,
    signal: AbortSignal,
    workDir: { path: string; used: boolean },
  ): Promise<Execution> {
    const denied = deniedComponents(task, this.options.registry, owner);
    const triggerRefused = deniedTrigger(task, ticket.triggerId, this.options.registry, owner);
    if (triggerRefused) {
      log.error(triggerRefused.reason);
      return { status: 'failed', ...triggerRefused, items: [], results: [] };
    }
    log.redact(this.#secretsOf(task));
    const startedAt = this.options.now();
    const { publicUrl } = await this.options.settings();
    // Built-in placeholders win over parameters and series fields: a caller cannot spoof them.
    // So do the run it follows ({trigger.*}), which only the engine gives as parameters.
    const builtins = {
      ...engineParameters(ticket.parameters),
      ...runPlaceholders(ticket, task, owner, { startedAt, publicUrl }),
    };
    const runValues = { ...ticket.parameters, ...builtins };
    const scope = {
      values: runValues,
      timezone: task.timezone,
      at: new Date(ticket.scheduledFor ?? this.options.now()),
    };
    const host = this.options.hosts.forRun({
      ticket,
      task,
      owner,
      scope,
      mail,
      unsaved: mode.unsaved,
    });
    const fillWith =
      (values: Readonly<Record<string, unknown>>) =>
      (template: string, extra: Readonly<Record<string, unknown>> = {}) =>
        fillPlaceholders(template, { ...scope, values: { ...values, ...extra } });
    const base = {
      runId: ticket.id,
      task: { id: task.id, name: task.name, timezone: task.timezone },
      owner: runOwner(owner),
      log,
      signal,
      host,
    };
    let values: Record<string, unknown>[];
    try {
      values = await this.#seriesValues(task, denied, scope, log, {
        ...base,
        placeholders: runValues,
        fill: fillWith(runValues),
      });
    } catch (error) {
      const detail = `series: ${coerceError(error).message}`;
      log.error(detail);
      if (signal.aborted)
        return { ...stopped(signal.reason as StopReason, task), items: [], results: [] };
      const refused = task.series !== null && denied.has(task.series.id);
      const why = because(refused ? 'owner-lacks-permission' : 'series-failed', detail);
      return { status: 'failed', ...why, items: [], results: [] };
    }
    const items: ItemOutcome[] = [];
    const results: RecordedResult[] = [];
    for (const [index, value] of values.entries()) {
      if (signal.aborted) break;
      const placeholders = { ...runValues, ...value, ...builtins };
      const contextFor = (
        componentId: string,
        values: Readonly<Record<string, unknown>>,
      ): ComponentContext => ({
        ...base,
        cause: ticket.cause,
        scheduledFor: ticket.scheduledFor === null ? null : new Date(ticket.scheduledFor),
        now: () => new Date(this.options.now()),
        placeholders: values,
        fill: fillWith(values),
        workDir: async () => {
          workDir.used = true;
          const dir = join(workDir.path, `${index}-${componentId}`);
          await mkdir(dir, { recursive: true });
          return dir;
        },
      });
      const item = await runItem({
        index,
        values: task.series ? value : {},
        jobs: task.jobs,
        actions: task.actions,
        registry: this.options.registry,
        denied,
        jobConcurrency: this.options.jobConcurrency,
        now: this.options.now,
        runStartedAt: startedAt,
        placeholders,
        contextFor,
        configOf: (kind, component, values) =>
          configForRun(kind, component, this.options.box, { ...scope, values }),
        redact: (text) => log.redactText(text),
        ...(mode.previews ? { dryRun: this.#dryRun(mode.previews, index, log) } : {}),
      });
      items.push(item.outcome);
      results.push(
        ...(await recordResults(
          this.options.store,
          { ...ticket, keepsFiles: !mode.unsaved },
          index,
          item.results,
          log,
          this.options.now(),
          (jobId) => this.#permissionOfJob(task, jobId),
        )),
      );
    }
    if (signal.aborted) return { ...stopped(signal.reason as StopReason, task), items, results };
    return { ...combine(items, denied), items, results };
  }

  /** Where a dry run's item reports what its actions would deliver: with secrets as ***. */
  #dryRun(
    previews: NonNullable<RunMode['previews']>,
    index: number,
    log: RunLog,
  ): NonNullable<ItemInput['dryRun']> {
    const hide = (text: string) => log.redactText(text);
    return {
      report: (action, { to, files, note }) =>
        previews(index, action, {
          to: to.map(hide),
          files: files.map((file) => ({ ...file, name: hide(file.name) })),
          ...(note === undefined ? {} : { note: hide(note) }),
        }),
    };
  }

  /** The clear secrets of every component of the task, to keep out of its log. */
  #secretsOf(task: Task): string[] {
    const { registry, box } = this.options;
    const parts = [
      ...task.triggers.map((c) => ['trigger', c] as const),
      ...task.jobs.map((c) => ['job', c] as const),
      ...task.actions.map((c) => ['action', c] as const),
      ...(task.series ? [['series', task.series] as const] : []),
    ];
    return parts.flatMap(([category, component]) => {
      const kind = registry.get(category, component.kind);
      try {
        return kind ? secretsOf(kind, component, box) : [];
      } catch {
        return [];
      }
    });
  }

  /** The permission of the kind of the task's job, which its files carry. */
  #permissionOfJob(task: Task, jobId: string): string | null {
    const job = task.jobs.find((each) => each.id === jobId);
    return (job && this.options.registry.get('job', job.kind)?.permission) ?? null;
  }

  async #seriesValues(
    task: Task,
    denied: ReadonlyMap<string, string>,
    scope: PlaceholderScope,
    log: RunLog,
    context: SeriesContext,
  ): Promise<Record<string, unknown>[]> {
    if (!task.series) return [{}];
    const refused = denied.get(task.series.id);
    if (refused) throw new Error(refused);
    const kind = this.options.registry.get('series', task.series.kind);
    if (!kind) throw new Error(`unknown series kind '${task.series.kind}'`);
    const config = configForRun(kind, task.series, this.options.box, scope);
    const invocation = {
      label: `series (${task.series.kind}) of run ${context.runId}`,
      signal: context.signal,
      redact: (text: string) => log.redactText(text),
    };
    const values = await runComponent(invocation, (signal) =>
      kind.resolve(config, { ...context, signal }),
    );
    context.log.info(`series ${task.series.kind}: ${values.length} items`);
    return values;
  }
}
