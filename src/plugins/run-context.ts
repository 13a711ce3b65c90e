import type { RunCause } from '../domain/run.ts';
import type { DeliveredResult } from './results.ts';

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
  /** Run parameters and the series value's fields, by name. */
  placeholders: Readonly<Record<string, unknown>>;
  log: RunLogger;
  /** Aborted when the run is canceled or times out; stop promptly. */
  signal: AbortSignal;
  /** A private folder for this component of this run, created on first use. */
  workDir(): Promise<string>;
}

/** What a job is given. */
export interface JobContext extends ComponentContext {
  /** The job's condition as configured (null for none); the job decides validity with it. */
  condition: Record<string, unknown> | null;
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
  log: RunLogger;
  signal: AbortSignal;
}

/** What an event trigger (one that is started, not scheduled) is given. */
export interface TriggerContext {
  task: { id: string; name: string; ownerId: string };
  triggerId: string;
  /** Why the trigger is being started. */
  reason: 'server-start' | 'task-enabled';
  /** Starts the task; parameters become placeholders. Resolves to the run id. */
  fire(cause: RunCause, parameters?: Record<string, string>): Promise<string>;
  log: RunLogger;
}
