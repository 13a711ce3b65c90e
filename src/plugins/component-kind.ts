import type { TSchema } from '@sinclair/typebox';
import type { FieldIssue } from '../domain/errors.ts';
import type { ComponentCategory } from '../domain/task.ts';
import type { JobResult, ResultType } from './results.ts';
import type { ActionContext, JobContext, SeriesContext, TriggerContext } from './run-context.ts';

/** What every kind of trigger, job, action or series source declares. */
interface KindBase<C extends ComponentCategory> {
  category: C;
  /** Unique within its category, e.g. "time" or "email". */
  kind: string;
  title: string;
  description: string;
  /** JSON Schema of the component's config: the API validates with it, the UI renders a form from it. */
  configSchema: TSchema;
  /** The permission a task's owner needs to use this kind, if any; checked at every run. */
  permission?: string;
  /** Checks what a schema cannot (a time zone exists, a cron expression parses); issues under path. */
  check?: (config: unknown, path: string) => FieldIssue[];
}

/** Fire times of a scheduled trigger: the first instant (epoch ms) after afterMs, or null. */
export type FireTimes = (afterMs: number) => number | null;

/** What starts a task: scheduled (fire times), following another task, or started as a listener. */
export interface TriggerKind extends KindBase<'trigger'> {
  /** Scheduled triggers: their fire times in the task's zone; the engine stores the next one. */
  schedule?: (config: never, timezone: string) => FireTimes;
  /** Triggers that follow another task of the same owner: which task, and on which outcomes. */
  follows?: (config: never) => { taskId: string; on: 'success' | 'failure' | 'always' };
  /** What starts the task, in words for people ("Every day at 09:00"); default: the title. */
  describe?: (config: never, timezone: string) => string;
  /** Event triggers: started while the task is enabled; returns how to stop. */
  start?: (config: never, context: TriggerContext) => (() => void | Promise<void>) | void;
}

/** What produces results. */
export interface JobKind extends KindBase<'job'> {
  produces: readonly ResultType[];
  run: (config: never, context: JobContext) => Promise<JobResult[]>;
}

/** What is done with results. */
export interface ActionKind extends KindBase<'action'> {
  /** The result types it takes; empty when it needs none (it then runs without results). */
  accepts: readonly ResultType[];
  /**
   * Runs (with no results) even when no job produced a type it accepts, e.g. a message that
   * reports on the run; otherwise such an action is skipped.
   */
  runsWithoutResults?: boolean;
  /** Actions that start another task of the owner: which one (its permissions count as this one's). */
  startsTask?: (config: never) => string;
  run: (config: never, context: ActionContext) => Promise<void>;
}

/** A list of values the jobs and actions run once for each. */
export interface SeriesKind extends KindBase<'series'> {
  resolve: (config: never, context: SeriesContext) => Promise<Record<string, unknown>[]>;
}

/** A kind of trigger, job, action or series source that a plugin contributes. */
export type ComponentKind = TriggerKind | JobKind | ActionKind | SeriesKind;
