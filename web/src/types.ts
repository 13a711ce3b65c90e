import type { TaskAccess } from '../../src/domain/task-access.ts';
import type { MisfirePolicy, OverlapPolicy } from '../../src/domain/policy-names.ts';
import type { ReasonCode } from '../../src/domain/reason-codes.ts';
import type { RunNotices } from '../../src/domain/run-notices.ts';

/** Who is logged in and what they may do (GET /me). */
export interface Me {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  /** Someone else chose the password: nothing works until the user changes it. */
  mustChangePassword: boolean;
  /** local: the password is kept here; ldap: the LDAP directory checks it. */
  source: 'local' | 'ldap' | 'oidc';
  permissions: string[];
  can: {
    usePlanner: boolean;
    administerTasks: boolean;
    manageUsers: boolean;
    manageSettings: boolean;
    /** May see and manage the outbox (mail.manage). */
    manageMail: boolean;
  };
  csrfToken: string | null;
}

/** A component of a task: a trigger, job, action or series source. */
export interface Component {
  id?: string;
  kind: string;
  config: Record<string, unknown>;
  condition?: Record<string, unknown> | null;
  qualification?: 'always' | 'all-valid' | 'any-valid' | 'none-valid';
}

/** How a task treats overlaps, missed fires, time-outs and failures. */
export interface Policy {
  overlap: OverlapPolicy;
  misfire: MisfirePolicy;
  misfireLimit: number;
  timeoutSeconds: number | null;
  retries: number;
  retryBackoffSeconds: number;
  keepRuns: number;
  keepDays: number;
  keepFailedDays: number;
}

/** A run as a task's lastRun shows it. */
export interface RunSummary {
  id: string;
  status: string;
  cause: string;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Sharing levels, how a caller reaches a task, and rights lists: as the server defines them. */
export type {
  AccessLevel,
  GrantSubject,
  NamedGrant,
  TaskAccess,
  TaskGrant,
} from '../../src/domain/task-access.ts';

/** The users and groups a task can be shared with (GET /directory). */
export interface Directory {
  users: Array<{ id: string; login: string; displayName: string }>;
  groups: Array<{ id: string; name: string }>;
}

/** Where a task's failure notices go and when, as the server defines them. */
export type { NoticeEvent, RunNotices } from '../../src/domain/run-notices.ts';

/** A task as the API returns it. */
export interface Task {
  id: string;
  ownerId: string;
  ownerLogin: string;
  ownerName: string;
  /** What the caller may do with the task: everything (owner, admin) or a shared level. */
  access: TaskAccess;
  name: string;
  description: string;
  enabled: boolean;
  timezone: string;
  triggers: Component[];
  jobs: Component[];
  actions: Component[];
  series: Component | null;
  policy: Policy;
  /** Its own failure notices; null: the server's default. */
  notices: RunNotices | null;
  expiresAt: string | null;
  hidden: boolean;
  lastRun: RunSummary | null;
  nextRunAt: string | null;
  hooks: Array<{ triggerId: string; path: string }>;
  startsWhen: string;
  revision: number;
}

/** One component's outcome in a run item. */
export interface ComponentOutcome {
  id: string;
  category: 'job' | 'action';
  kind: string;
  status: string;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A run (GET /runs/{id}). */
export interface Run extends RunSummary {
  taskId: string;
  taskName?: string;
  scheduledFor: string | null;
  /** Occurrences of its trigger this record stands for, from scheduledFor; 0 for a retry. */
  occurrences: number;
  durationMs: number | null;
  /** Why the run is as it is, from the server's catalogue (docs/reason-codes.md). */
  reasonCode: ReasonCode | null;
  /** The detail of the reason, in words. */
  reason: string | null;
  attempt: number;
  parameters: Record<string, string>;
  items: Array<{
    index: number;
    values: Record<string, unknown>;
    status: string;
    components: ComponentOutcome[];
  }>;
  results: Array<{
    type: string;
    name: string;
    jobId: string;
    valid: boolean;
    artifactId?: string;
    text?: string;
  }>;
}

/** A page of a listing. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A component kind (GET /components). */
export interface ComponentKind {
  category: 'trigger' | 'job' | 'action' | 'series';
  kind: string;
  title: string;
  description: string;
  configSchema: JsonSchema;
  permission: string | null;
  allowed: boolean;
  produces?: string[];
  accepts?: string[];
}

/** The subset of JSON Schema the forms understand. */
export interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  secret?: boolean;
  /** A file or folder on the server: it must lie inside the allowed folders (GET /folders). */
  folder?: boolean;
  /** The name of a data source: one the task's owner may use (GET /data-sources). */
  dataSource?: boolean;
  /**
   * A property shown only while each sibling named here holds one of the values listed (its
   * default when unset), e.g. { format: ['xlsx'] }; a change that hides one drops its value.
   */
  showWhen?: Record<string, unknown[]>;
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
}
