import type { FollowSpec } from '../domain/follows.ts';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FieldIssue } from '../domain/errors.ts';
import type { CalendarDays } from '../schedule/holiday-exclusions.ts';
import type { ComponentCategory } from '../domain/task.ts';
import type { DeliveryPreview } from './delivery-preview.ts';
import type { JobResult, ResultType } from './results.ts';
import type { ActionContext, JobContext, SeriesContext, TriggerContext } from './run-context.ts';

/*
 * Each kind is generic over its config schema S: its methods receive Static<S>, the config
 * that schema describes. A plugin declares a kind through the define* helpers
 * (define-kind.ts), which type its methods by its schema; the registry and the engine hold the
 * erased form, TriggerKind (that is, TriggerKind<TSchema>) and so on, whose methods take the
 * config as unknown.
 */

/** What every kind of trigger, job, action or series source declares. */
interface KindBase<C extends ComponentCategory, S extends TSchema> {
  category: C;
  /** Unique within its category, e.g. "time" or "email". */
  kind: string;
  title: string;
  description: string;
  /** JSON Schema of the component's config: the API validates with it, the UI renders a form from it. */
  configSchema: S;
  /** The permission a task's owner needs to use this kind, if any; checked at every run. */
  permission?: string;
  /**
   * Checks what a schema cannot (a time zone exists, a cron expression parses); issues under
   * path. Called only with a config the schema accepted, and the task's time zone (UTC when the
   * task's own is unknown, which is an issue of its own).
   */
  check?: (config: Static<S>, path: string, timezone: string) => FieldIssue[];
}

/** Fire times of a scheduled trigger: the first instant (epoch ms) after afterMs, or null. */
export type FireTimes = (afterMs: number) => number | null;

/** What starts a task: scheduled (fire times), following another task, or started as a listener. */
export interface TriggerKind<S extends TSchema = TSchema> extends KindBase<'trigger', S> {
  /**
   * Scheduled triggers: their fire times in the task's zone; the engine stores the next one.
   * calendars gives the days of the holiday calendars a schedule excludes, as this server has
   * read them (it throws HolidayCalendarUnavailable for one not read, or unreadable).
   */
  schedule?: (config: Static<S>, timezone: string, calendars: CalendarDays) => FireTimes;
  /** Triggers that follow other tasks of the same owner: which, on which outcomes, any or all. */
  follows?: (config: Static<S>) => FollowSpec;
  /** What starts the task, in words for people ("Every day at 09:00"); default: the title. */
  describe?: (config: Static<S>, timezone: string) => string;
  /** Event triggers: started while the task is enabled; returns how to stop. */
  start?: (config: Static<S>, context: TriggerContext) => (() => void | Promise<void>) | void;
}

/** What produces results. */
export interface JobKind<S extends TSchema = TSchema> extends KindBase<'job', S> {
  produces: readonly ResultType[];
  run: (config: Static<S>, context: JobContext) => Promise<JobResult[]>;
}

/** What is done with results. */
export interface ActionKind<S extends TSchema = TSchema> extends KindBase<'action', S> {
  /** The result types it takes; empty when it needs none (it then runs without results). */
  accepts: readonly ResultType[];
  /**
   * Runs (with no results) even when no job produced a type it accepts, e.g. a message that
   * reports on the run; otherwise such an action is skipped.
   */
  runsWithoutResults?: boolean;
  /** Actions that start another task of the owner: which one (its permissions count as this one's). */
  startsTask?: (config: Static<S>) => string;
  run: (config: Static<S>, context: ActionContext) => Promise<void>;
  /**
   * What run would deliver, for a dry run (POST /tasks/execute with dryRun): recipients, file
   * names, sizes. It must change nothing and contact no peer; a kind without one is skipped in a
   * dry run, which says so.
   */
  preview?: (config: Static<S>, context: ActionContext) => Promise<DeliveryPreview>;
}

/** A list of values the jobs and actions run once for each. */
export interface SeriesKind<S extends TSchema = TSchema> extends KindBase<'series', S> {
  resolve: (config: Static<S>, context: SeriesContext) => Promise<Record<string, unknown>[]>;
}

/** A kind of trigger, job, action or series source that a plugin contributes, its config erased. */
export type ComponentKind = TriggerKind | JobKind | ActionKind | SeriesKind;
