import type { TaskScope } from './task-access.ts';
import type { ReasonCode } from './reason-codes.ts';

/**
 * Why a run started; "trigger" marks the failed record of a trigger that could not fire (its
 * schedule no longer computes, it did not start: see its reason code), which never ran.
 */
export const RUN_CAUSES = [
  'schedule',
  'manual',
  'api',
  'file',
  'http',
  'calendar',
  'after-task',
  'start',
  'trigger',
] as const;
export type RunCause = (typeof RUN_CAUSES)[number];

/** Where a run is in its life. */
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'partially-failed',
  'canceled',
  'timed-out',
  'interrupted',
  'skipped',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses of a run that has not ended yet. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running'];

/** Ended badly: these are kept longer and may be retried. */
export const FAILURE_STATUSES: readonly RunStatus[] = [
  'failed',
  'partially-failed',
  'timed-out',
  'interrupted',
];

/** Whether a run in this status has ended. */
export function isFinal(status: RunStatus): boolean {
  return !ACTIVE_STATUSES.includes(status);
}

/** How one component fared for one series item. */
export interface ComponentOutcome {
  id: string;
  category: 'job' | 'action';
  kind: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'canceled' | 'timed-out';
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** How one series item (or the only item, without a series) fared. */
export interface ItemOutcome {
  index: number;
  /** The series value, as placeholders; empty without a series. */
  values: Record<string, unknown>;
  status: 'succeeded' | 'failed' | 'canceled' | 'timed-out';
  components: ComponentOutcome[];
}

/** A result a job produced, as the run records it. */
export interface RecordedResult {
  itemIndex: number;
  jobId: string;
  type: 'file' | 'text' | 'json';
  name: string;
  valid: boolean;
  /** File results: the artifact id to download it by, its size and media type. */
  artifactId?: string;
  size?: number;
  mediaType?: string;
  /** Text and JSON results are kept inline. */
  text?: string;
  value?: unknown;
}

/** One run of a task: why, when, how it went. */
export interface Run {
  id: string;
  taskId: string;
  taskName: string;
  ownerId: string;
  triggerId: string | null;
  cause: RunCause;
  scheduledFor: Date | null;
  /**
   * How many times the task was asked to run that this record accounts for: 1 for a start by
   * hand, over the API or by an event; for a schedule, the occurrences of its trigger from
   * scheduledFor that it stands for (several when coalesced or skipped together; counted up to
   * 10,000, beyond which it holds 10,001); 0 for a retry, whose first attempt accounts for it.
   */
  occurrences: number;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  status: RunStatus;
  /** Why it is so, from the catalogue (domain/reason-codes.ts); null without a reason. */
  reasonCode: ReasonCode | null;
  /** The detail of the reason: what exactly, in words (it may stand alone on older runs). */
  reason: string | null;
  attempt: number;
  retryOf: string | null;
  node: string | null;
  cancelRequested: boolean;
  parameters: Record<string, string>;
  /** Task ids of the after-task chain that led here, this task last; stops loops. */
  chain: string[];
  items: ItemOutcome[];
  results: RecordedResult[];
}

/** What to list: the runs of whose tasks, filters, page. */
export interface RunListQuery {
  scope: TaskScope;
  taskId?: string;
  status?: RunStatus[];
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** The longest a run's log grows; lines beyond it are counted, not kept. */
export const MAX_RUN_LOG_CHARS = 1_000_000;
