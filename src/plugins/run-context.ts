import type { RunCause } from '../domain/run.ts';
import type { DeliveredResult } from './results.ts';
import type { RunHost, TriggerHost } from './run-host.ts';

/** Writes lines to the run's log. */
export interface RunLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The task's owner: the run acts with their rights. */
export interface RunOwner {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  permissions: ReadonlySet<string>;
}

/** What every job and action is given. */
export interface ComponentContext {
  runId: string;
  task: { id: string; name: string; timezone: string };
  owner: RunOwner;
  cause: RunCause;
  scheduledFor: Date | null;
  /** The engine's clock: use it rather than new Date() (tests move it). */
  now(): Date;
  /**
   * Every placeholder value by name: task.name, task.id, run.id, run.cause, the run's
   * parameters, the series value's fields and (for actions) job.<job id>.<output>.
   */
  placeholders: Readonly<Record<string, unknown>>;
  /**
   * Fills `{name}` placeholders in text (plus extra ones, e.g. {filename}); `{date}` and
   * `{time}` (optionally `{date:yyyy-MM-dd}`) are in the task's zone. Unknown ones stay.
   * Config strings arrive already filled, except fields whose schema says placeholders: false.
   */
  fill(template: string, extra?: Readonly<Record<string, unknown>>): string;
  log: RunLogger;
  /** Aborted when the run is canceled or times out; stop promptly. */
  signal: AbortSignal;
  /** A private folder for this component of this run, created on first use. */
  workDir(): Promise<string>;
  /** The server's services, used as the task's owner. */
  host: RunHost;
}

/** What a job is given. */
export interface JobContext extends ComponentContext {
  /** The job's condition as configured (null for none); the job decides validity with it. */
  condition: Record<string, unknown> | null;
  /** Publishes a named output of this job to the actions, as {job.<job id>.<name>}. */
  output(name: string, value: string | number | boolean): void;
}

/** What an action is given: the results it accepts (for any-valid, the valid ones only). */
export interface ActionContext extends ComponentContext {
  results: readonly DeliveredResult[];
}

/** What a series source is given. */
export interface SeriesContext {
  runId: string;
  task: { id: string; name: string; timezone: string };
  owner: RunOwner;
  placeholders: Readonly<Record<string, unknown>>;
  fill(template: string, extra?: Readonly<Record<string, unknown>>): string;
  log: RunLogger;
  signal: AbortSignal;
  host: RunHost;
}

/** What an event trigger (one that is started, not scheduled) is given. */
export interface TriggerContext {
  /** The task; its zone is what floating local times (a calendar's, say) are read in. */
  task: { id: string; name: string; ownerId: string; timezone: string };
  triggerId: string;
  /** Why the trigger is being started. */
  reason: 'server-start' | 'task-enabled';
  /**
   * Starts the task; parameters become placeholders. Resolves to the run id, or null when
   * the occurrence was already started: nodes that see the same event (a change in a shared
   * folder) pass the same occurrence (epoch ms), and only the first one starts a run.
   */
  fire(
    cause: RunCause,
    parameters?: Record<string, string>,
    occurrence?: number,
  ): Promise<string | null>;
  log: RunLogger;
  host: TriggerHost;
  /** The engine's clock (epoch ms): use it rather than Date.now() (tests move it). */
  now(): number;
  /**
   * Calls fn after ms on the engine's clock (tests move it); returns how to cancel. Like
   * setTimeout, a delay past about 24.8 days is not kept: wait in shorter steps.
   */
  setTimer(ms: number, fn: () => void): () => void;
}
