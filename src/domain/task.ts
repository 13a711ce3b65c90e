import type { RunNotices } from './run-notices.ts';
import type { TaskScope } from './task-access.ts';
import type { MisfirePolicy, OverlapPolicy } from './policy-names.ts';

/** The four places a component can sit in a task. */
export type ComponentCategory = 'trigger' | 'job' | 'action' | 'series';

/** A trigger, job, action or series source: a kind from the registry and its config. */
export interface Component {
  id: string;
  kind: string;
  config: Record<string, unknown>;
}

/** A job may carry a condition that decides whether its results are valid. */
export interface JobComponent extends Component {
  condition: Record<string, unknown> | null;
}

/** When an action runs, given the validity of the job results. */
export type Qualification = 'always' | 'all-valid' | 'any-valid' | 'none-valid';

/** An action and the job results it requires. */
export interface ActionComponent extends Component {
  qualification: Qualification;
}

/** How the engine treats overlapping runs, missed fires, time-outs and failures. */
export interface TaskPolicy {
  overlap: OverlapPolicy;
  misfire: MisfirePolicy;
  /** With misfire "all": at most this many missed occurrences are run. */
  misfireLimit: number;
  timeoutSeconds: number | null;
  retries: number;
  retryBackoffSeconds: number;
  /** Retention: runs beyond the newest keepRuns, or older than keepDays, are pruned... */
  keepRuns: number;
  keepDays: number;
  /** ...except failed ones, which are kept keepFailedDays. */
  keepFailedDays: number;
}

/** The default policy of a new task. */
export const DEFAULT_POLICY: Readonly<TaskPolicy> = {
  overlap: 'skip',
  misfire: 'once',
  misfireLimit: 100,
  timeoutSeconds: null,
  retries: 0,
  retryBackoffSeconds: 60,
  keepRuns: 1000,
  keepDays: 30,
  keepFailedDays: 90,
};

/** The parts of a task its owner edits. */
export interface TaskDefinition {
  name: string;
  description: string;
  enabled: boolean;
  timezone: string;
  triggers: Component[];
  jobs: JobComponent[];
  actions: ActionComponent[];
  series: Component | null;
  policy: TaskPolicy;
  /** Where failure notices go; null: the server's default. */
  notices: RunNotices | null;
  expiresAt: Date | null;
}

/** The components of a definition, each with its category. */
export function componentsOf(
  definition: Pick<TaskDefinition, 'triggers' | 'jobs' | 'actions' | 'series'>,
): Array<[ComponentCategory, Component]> {
  return [
    ...definition.triggers.map((c): [ComponentCategory, Component] => ['trigger', c]),
    ...definition.jobs.map((c): [ComponentCategory, Component] => ['job', c]),
    ...definition.actions.map((c): [ComponentCategory, Component] => ['action', c]),
    ...(definition.series ? [['series', definition.series] as [ComponentCategory, Component]] : []),
  ];
}

/** A stored task. */
export interface Task extends TaskDefinition {
  id: string;
  ownerId: string;
  /** The owner's login and name, for display; filled in by the store. */
  ownerLogin: string;
  ownerName: string;
  /** Hidden from the owner's overview once its schedule has ended. */
  hidden: boolean;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Orders in which tasks can be listed. */
export const TASK_SORT_KEYS = ['name', 'createdAt', 'updatedAt'] as const;
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];

/** What to list: whose tasks, filters, order and page. */
export interface TaskListQuery {
  scope: TaskScope;
  q?: string;
  enabled?: boolean;
  /** Include tasks whose schedule has ended (an administrator's view). */
  includeHidden?: boolean;
  sort: TaskSortKey;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

/** The key tasks are sorted by name on: the same in every database. */
export function taskSortName(name: string): string {
  return name.toLowerCase();
}

/** The text the q filter searches in, lower-cased for case-insensitive matching. */
export function taskSearchText(task: Pick<TaskDefinition, 'name' | 'description'>): string {
  return `${task.name}\n${task.description}`.toLowerCase();
}

/** A task's fire times cut off at its expiry: nothing fires after expiresAt. */
export function untilExpiry(
  next: (afterMs: number) => number | null,
  expiresAt: Date | null,
): (afterMs: number) => number | null {
  if (expiresAt === null) return next;
  const last = expiresAt.getTime();
  return (afterMs) => {
    const at = next(afterMs);
    return at !== null && at <= last ? at : null;
  };
}
