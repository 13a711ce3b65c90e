import type { ComponentOutcome, ItemOutcome } from '../domain/run.ts';
import type { ActionComponent, JobComponent, Qualification } from '../domain/task.ts';
import type { ActionKind, ComponentKind } from '../plugins/component-kind.ts';
import type { DeliveryPreview } from '../plugins/delivery-preview.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { DeliveredResult, JobResult } from '../plugins/results.ts';
import type { ActionContext, ComponentContext, RunLogger } from '../plugins/run-context.ts';
import { runComponent } from './component-scope.ts';
import { runSoFar } from './run-so-far.ts';
import { coerceError } from '../domain/coerce-error.ts';
import {
  conditionExpression,
  evaluateCondition,
  parseCondition,
  type OutputValue,
} from '../domain/condition-expression.ts';

/** What running one item needs besides its components. */
export interface ItemInput {
  index: number;
  values: Record<string, unknown>;
  jobs: readonly JobComponent[];
  actions: readonly ActionComponent[];
  registry: ComponentRegistry;
  /** Components that may not run, with the reason (e.g. a missing permission). */
  denied: ReadonlyMap<string, string>;
  jobConcurrency: number;
  now: () => number;
  /** When the run started, for {run.duration}. */
  runStartedAt: number;
  /** The item's placeholder values: the run's, its parameters and the series value's fields. */
  placeholders: Readonly<Record<string, unknown>>;
  /** The context for one component of this item, with these placeholder values. */
  contextFor(
    componentId: string,
    placeholders: Readonly<Record<string, unknown>>,
  ): ComponentContext;
  /** The component's config for this item: secrets opened, placeholders filled. */
  configOf(
    kind: ComponentKind,
    component: JobComponent | ActionComponent,
    placeholders: Readonly<Record<string, unknown>>,
  ): unknown;
  /** Hides the task's secrets in text about its components. */
  redact: (text: string) => string;
  /** A dry run: actions only report what they would deliver, to this. */
  dryRun?: { report(action: ActionComponent, preview: DeliveryPreview): void };
}

/**
 * Runs a job's or an action's kind in its own component scope (see component-scope.ts): it
 * ends with the kind's result, an error escaping its code, or "stopped" when the run stops.
 */
function invoke<T>(
  component: { id: string; kind: string },
  category: 'job' | 'action',
  input: ItemInput,
  context: ComponentContext,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const label = `${category} ${component.id} (${component.kind}) of run ${context.runId}`;
  return runComponent({ label, signal: context.signal, redact: input.redact }, run);
}

/** Runs fn for every item with at most limit running at once. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function outcome(
  component: { id: string; kind: string },
  category: 'job' | 'action',
  status: ComponentOutcome['status'],
  message: string | null,
  startedAt: number | null,
  finishedAt: number | null,
): ComponentOutcome {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  return {
    id: component.id,
    category,
    kind: component.kind,
    status,
    message,
    startedAt: iso(startedAt),
    finishedAt: iso(finishedAt),
  };
}

/** How a component ended that threw or was stopped. */
function stoppedOrFailed(
  signal: AbortSignal,
  error: unknown,
): { status: ComponentOutcome['status']; message: string } {
  if (signal.aborted) {
    const reason = signal.reason as string;
    return {
      status: reason === 'timed-out' ? 'timed-out' : 'canceled',
      message: `stopped: ${reason}`,
    };
  }
  return { status: 'failed', message: coerceError(error).message || 'failed' };
}

/**
 * Whether the job's condition expression ({"expression": "rows > 0"}) holds on the outputs it
 * published; true without one. Why it could not be evaluated goes to the log as a warning.
 */
function expressionHolds(
  job: JobComponent,
  published: ReadonlyMap<string, OutputValue>,
  log: RunLogger,
): boolean {
  const expression = conditionExpression(job.condition);
  if (typeof expression !== 'string') return true;
  const verdict = evaluateCondition(parseCondition(expression), published);
  for (const problem of verdict.problems) log.warn(`condition: ${problem}`);
  if (!verdict.holds) {
    log.info(`condition '${expression}' is false: the results of job ${job.id} are not valid`);
  }
  return verdict.holds;
}

async function runJob(
  job: JobComponent,
  input: ItemInput,
  results: DeliveredResult[],
  outputs: Record<string, unknown>,
): Promise<ComponentOutcome> {
  const denied = input.denied.get(job.id);
  if (denied) return outcome(job, 'job', 'failed', denied, null, null);
  const kind = input.registry.get('job', job.kind);
  if (!kind) return outcome(job, 'job', 'failed', `unknown job kind '${job.kind}'`, null, null);
  const context = input.contextFor(job.id, input.placeholders);
  const published = new Map<string, OutputValue>();
  const output = (name: string, value: OutputValue) => {
    outputs[`job.${job.id}.${name}`] = value;
    published.set(name, value);
  };
  const startedAt = input.now();
  try {
    const config = input.configOf(kind, job, input.placeholders);
    const produced = await invoke(job, 'job', input, context, (signal) =>
      kind.run(config, { ...context, signal, condition: job.condition, output }),
    );
    const holds = expressionHolds(job, published, context.log);
    results.push(
      ...produced.map((result: JobResult) => ({
        ...result,
        jobId: job.id,
        valid: holds && (result.valid ?? true),
      })),
    );
    return outcome(job, 'job', 'succeeded', null, startedAt, input.now());
  } catch (error) {
    const { status, message } = stoppedOrFailed(context.signal, error);
    context.log.error(`job ${job.id} (${job.kind}): ${message}`);
    return outcome(job, 'job', status, message, startedAt, input.now());
  }
}

/** Whether an action runs, and with which results, given its qualification. */
function qualify(
  qualification: Qualification,
  results: readonly DeliveredResult[],
  allJobsSucceeded: boolean,
): { run: true; results: DeliveredResult[] } | { run: false; reason: string } {
  const valid = results.filter((result) => result.valid);
  switch (qualification) {
    case 'always':
      return { run: true, results: [...results] };
    case 'all-valid':
      return allJobsSucceeded && valid.length === results.length
        ? { run: true, results: [...results] }
        : { run: false, reason: 'not every job result is valid (qualification "all-valid")' };
    case 'any-valid':
      return valid.length > 0
        ? { run: true, results: valid }
        : { run: false, reason: 'no job result is valid (qualification "any-valid")' };
    case 'none-valid':
      return valid.length === 0
        ? { run: true, results: [...results] }
        : { run: false, reason: 'a job result is valid (qualification "none-valid")' };
  }
}

async function runAction(
  action: ActionComponent,
  input: ItemInput,
  results: readonly DeliveredResult[],
  allJobsSucceeded: boolean,
  placeholders: Readonly<Record<string, unknown>>,
): Promise<ComponentOutcome> {
  const denied = input.denied.get(action.id);
  if (denied) return outcome(action, 'action', 'failed', denied, null, null);
  const kind = input.registry.get('action', action.kind);
  if (!kind)
    return outcome(action, 'action', 'failed', `unknown action kind '${action.kind}'`, null, null);
  const context = input.contextFor(action.id, placeholders);
  if (context.signal.aborted) {
    return outcome(
      action,
      'action',
      stoppedOrFailed(context.signal, null).status,
      'not started: the run was stopped',
      null,
      null,
    );
  }
  const accepted = results.filter((result) => kind.accepts.includes(result.type));
  if (kind.accepts.length > 0 && accepted.length === 0 && !kind.runsWithoutResults) {
    const reason = `no job produced a ${kind.accepts.join(' or ')} result`;
    return outcome(action, 'action', 'skipped', reason, null, null);
  }
  const decision = qualify(action.qualification, accepted, allJobsSucceeded);
  if (!decision.run) return outcome(action, 'action', 'skipped', decision.reason, null, null);
  const startedAt = input.now();
  try {
    const config = input.configOf(kind, action, placeholders);
    const actionContext = { ...context, results: decision.results };
    if (input.dryRun) return await previewAction(action, kind, config, actionContext, input);
    await invoke(action, 'action', input, context, (signal) =>
      kind.run(config, { ...actionContext, signal }),
    );
    return outcome(action, 'action', 'succeeded', null, startedAt, input.now());
  } catch (error) {
    const { status, message } = stoppedOrFailed(context.signal, error);
    context.log.error(`action ${action.id} (${action.kind}): ${message}`);
    return outcome(action, 'action', status, message, startedAt, input.now());
  }
}

/** What a preview says in the action's outcome: "would deliver to …: a.csv (312 bytes)". */
function previewSummary({ to, files, note }: DeliveryPreview): string {
  const where = to.length > 0 ? ` to ${to.join(', ')}` : '';
  const what = files.map((file) => `${file.name} (${file.bytes} bytes)`).join(', ');
  const parts = [`dry run: would deliver${where}`, what, note].filter(Boolean);
  return parts.join('; ');
}

/** A dry run's action: what it would deliver, reported; a kind that cannot say is skipped. */
async function previewAction(
  action: ActionComponent,
  kind: ActionKind,
  config: unknown,
  context: ActionContext,
  input: ItemInput,
): Promise<ComponentOutcome> {
  const startedAt = input.now();
  if (!kind.preview) {
    const why = `dry run: not run, the kind '${action.kind}' cannot say what it would deliver`;
    context.log.info(`action ${action.id}: ${why}`);
    return outcome(action, 'action', 'skipped', why, null, null);
  }
  const preview = kind.preview;
  const report = await invoke(action, 'action', input, context, (signal) =>
    preview(config, { ...context, signal }),
  );
  input.dryRun?.report(action, report);
  const summary = previewSummary(report);
  context.log.info(`action ${action.id} (${action.kind}): ${summary}`);
  return outcome(action, 'action', 'succeeded', summary, startedAt, input.now());
}

/** The item's status from its components': a stop wins, then any failure. */
function itemStatus(components: readonly ComponentOutcome[]): ItemOutcome['status'] {
  for (const status of ['timed-out', 'canceled', 'failed'] as const) {
    if (components.some((component) => component.status === status)) return status;
  }
  return 'succeeded';
}

/**
 * Runs one item: every job (in no defined order, a few at a time), then each action in
 * turn with the results it accepts. A failing component does not stop the others.
 */
export async function runItem(
  input: ItemInput,
): Promise<{ outcome: ItemOutcome; results: DeliveredResult[] }> {
  const results: DeliveredResult[] = [];
  const outputs: Record<string, unknown> = {};
  const jobOutcomes: ComponentOutcome[] = [];
  await eachLimited(input.jobs, input.jobConcurrency, async (job) => {
    jobOutcomes.push(await runJob(job, input, results, outputs));
  });
  jobOutcomes.sort(
    (a, b) =>
      input.jobs.findIndex((j) => j.id === a.id) - input.jobs.findIndex((j) => j.id === b.id),
  );
  const allJobsSucceeded = jobOutcomes.every((job) => job.status === 'succeeded');
  // Actions see what the jobs published as {job.<id>.<name>}.
  const actionPlaceholders = { ...input.placeholders, ...outputs };
  const actionOutcomes: ComponentOutcome[] = [];
  for (const action of input.actions) {
    const sofar = runSoFar([...jobOutcomes, ...actionOutcomes], input.runStartedAt, input.now());
    actionOutcomes.push(
      await runAction(action, input, results, allJobsSucceeded, {
        ...actionPlaceholders,
        ...sofar,
      }),
    );
  }
  const components = [...jobOutcomes, ...actionOutcomes];
  return {
    outcome: {
      index: input.index,
      values: input.values,
      status: itemStatus(components),
      components,
    },
    results,
  };
}
