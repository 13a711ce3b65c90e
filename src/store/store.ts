import type { DataSource } from '../domain/settings.ts';
import type { AuditEvent } from '../domain/audit.ts';
import type {
  ItemOutcome,
  RecordedResult,
  Run,
  RunCause,
  RunListQuery,
  RunStatus,
} from '../domain/run.ts';
import type { Lease, RunEntry } from '../domain/run-state.ts';
import type { CodedReason, RunReason } from '../domain/reason-codes.ts';
import type { Task, TaskListQuery, TaskPolicy } from '../domain/task.ts';
import type { NoticeState } from '../domain/run-notices.ts';
import type { FollowSpec } from '../domain/follows.ts';
import type { AccessLevel, NamedGrant, TaskGrant } from '../domain/task-access.ts';
import type {
  ClaimedMessage,
  NewOutboxMessage,
  OutboxCounts,
  OutboxEntry,
  OutboxSettlement,
  OutboxState,
} from '../domain/outbox.ts';
import type { ApiToken, Group, Session, User, UserSource, UserWithSecret } from '../domain/user.ts';

/** One page of a listing; pass nextCursor back to get the next one. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Fields of a user that can change; absent ones stay as they are. */
export interface UserChanges {
  login?: string;
  displayName?: string;
  email?: string | null;
  disabled?: boolean;
  passwordHash?: string;
  mustChangePassword?: boolean;
  /** A directory account's DN, which changes when it moves in the directory. */
  externalId?: string;
  updatedAt: Date;
}

/** Users and their directly granted permissions. */
export interface UserRepository {
  /** Inserts the user; false (and nothing written) when the login is taken. */
  insert(user: UserWithSecret): Promise<boolean>;
  count(): Promise<number>;
  /** Locks the user's row for the rest of the transaction; false when there is no such user. */
  lock(id: string): Promise<boolean>;
  /** Which of these ids belong to existing users. */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  get(id: string): Promise<User | undefined>;
  getWithSecretByLogin(login: string): Promise<UserWithSecret | undefined>;
  /** The account an outside source knows by this id (an LDAP DN, an OpenID subject). */
  getByExternalId(source: UserSource, externalId: string): Promise<User | undefined>;
  /** Users by login; `enabledOnly` leaves disabled ones out before the page is cut. */
  list(query: {
    q?: string;
    limit: number;
    cursor?: string;
    enabledOnly?: boolean;
  }): Promise<Page<User>>;
  /** Applies the changes; false when the user does not exist; throws LOGIN_TAKEN on a clash. */
  update(id: string, changes: UserChanges): Promise<boolean>;
  setPermissions(id: string, permissions: readonly string[]): Promise<void>;
  /** Permissions held directly and through groups. */
  effectivePermissions(id: string): Promise<Set<string>>;
  delete(id: string): Promise<boolean>;
}

/** Groups of users that share permissions. */
export interface GroupRepository {
  /** Inserts the group; false when the name is taken. */
  insert(group: Group, createdAt: Date): Promise<boolean>;
  get(id: string): Promise<Group | undefined>;
  list(): Promise<Group[]>;
  /** Renames the group; false when it does not exist; throws NAME_TAKEN on a clash. */
  rename(id: string, name: string): Promise<boolean>;
  setPermissions(id: string, permissions: readonly string[]): Promise<void>;
  setMembers(id: string, userIds: readonly string[]): Promise<void>;
  /** Adds the user to the group or takes them out; nothing happens when that is so already. */
  setMembership(id: string, userId: string, member: boolean): Promise<void>;
  setUsableInSeries(id: string, usable: boolean): Promise<void>;
  /** Sets whether the group is a role, and its description. */
  describe(id: string, about: { role: boolean; description: string }): Promise<void>;
  delete(id: string): Promise<boolean>;
}

/** Browser sessions, looked up by the hash of their cookie. */
export interface SessionRepository {
  insert(session: Session, details: { address: string; userAgent: string }): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(userId: string): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

/** Personal API tokens, looked up by the hash of the secret. */
export interface ApiTokenRepository {
  insert(token: ApiToken, tokenHash: string): Promise<void>;
  listForUser(userId: string): Promise<ApiToken[]>;
  findByHash(tokenHash: string): Promise<ApiToken | undefined>;
  touch(id: string, lastUsedAt: Date): Promise<void>;
  /** Deletes the user's token; false when it is not theirs or does not exist. */
  delete(id: string, userId: string): Promise<boolean>;
  /** Revokes every token of the user; how many there were. */
  deleteForUser(userId: string): Promise<number>;
}

/** Tasks with their components. */
export interface TaskRepository {
  insert(task: Task): Promise<void>;
  get(id: string): Promise<Task | undefined>;
  list(query: TaskListQuery): Promise<Page<Task>>;
  /** Writes the task if its stored revision is still expectedRevision; false otherwise. */
  update(task: Task, expectedRevision: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  countByOwner(ownerId: string): Promise<number>;
  /** The ids of every task the user owns, hidden ones too. */
  idsOfOwner(ownerId: string): Promise<string[]>;
  getMany(ids: readonly string[]): Promise<Task[]>;
  /** Locks the tasks no other transaction holds (PostgreSQL: SKIP LOCKED); returns their ids. */
  lockAvailable(ids: readonly string[]): Promise<string[]>;
  /** Locks the tasks, waiting for a claim that holds them (PostgreSQL; SQLite has one writer). */
  lock(ids: readonly string[]): Promise<void>;
  setHidden(ids: readonly string[], hidden: boolean): Promise<void>;
}

/** Who besides its owner may do what with a task. */
export interface TaskGrantRepository {
  /** The task's grants, groups first, each with its subject's name. */
  ofTask(taskId: string): Promise<NamedGrant[]>;
  /** Replaces the task's grants (subjects must exist). */
  replace(taskId: string, grants: readonly TaskGrant[]): Promise<void>;
  /** The tasks shared with the group, and at which level. */
  ofGroup(groupId: string): Promise<Array<{ taskId: string; level: AccessLevel }>>;
  /** The highest level the user was granted on each of the tasks, directly or through a group. */
  levelsOf(userId: string, taskIds: readonly string[]): Promise<Map<string, AccessLevel>>;
}

/** The stored state of one trigger of an enabled task. */
export interface StoredTrigger {
  taskId: string;
  triggerId: string;
  kind: string;
  /** Changes when the trigger's config or the task's zone does: the next fire time is then recomputed. */
  fingerprint: string;
  /** Scheduled triggers: when they fire next; null when never again or not scheduled. */
  nextFireAt: number | null;
  /** After-task triggers: the tasks they follow, and when. */
  follows: FollowSpec | null;
}

/** An after-task trigger of an enabled task, and the task it follows. */
export interface Follower {
  taskId: string;
  triggerId: string;
  ownerId: string;
  follows: FollowSpec;
}

/** Triggers of enabled tasks (disabled tasks have none stored). */
export interface TriggerRepository {
  forTask(taskId: string): Promise<StoredTrigger[]>;
  replaceForTask(taskId: string, triggers: readonly StoredTrigger[]): Promise<void>;
  /** Tasks with a trigger due at now or before, the most overdue first. */
  dueTaskIds(now: number, limit: number): Promise<string[]>;
  ofTasks(taskIds: readonly string[]): Promise<StoredTrigger[]>;
  setNextFire(
    updates: ReadonlyArray<{ taskId: string; triggerId: string; nextFireAt: number | null }>,
  ): Promise<void>;
  /**
   * Moves triggers back to an occurrence given back to them, unless they fire at or before it
   * already; at most one update per trigger.
   */
  rewind(updates: ReadonlyArray<{ taskId: string; triggerId: string; to: number }>): Promise<void>;
  /** The earliest next fire time of all triggers. */
  earliestFire(): Promise<number | null>;
  nextFireOf(taskIds: readonly string[]): Promise<Map<string, number>>;
  /** After-task triggers following any of these tasks. */
  followersOf(taskIds: readonly string[]): Promise<Follower[]>;
  withKinds(kinds: readonly string[]): Promise<StoredTrigger[]>;
}

/** What identifies a run to execute or retry it. */
export interface RunTicket {
  id: string;
  taskId: string;
  ownerId: string;
  triggerId: string | null;
  cause: RunCause;
  scheduledFor: number | null;
  attempt: number;
  retryOf: string | null;
  parameters: Record<string, string>;
  chain: string[];
}

/**
 * Whose leases a recovery looks at: those that expired before a time (their node stopped
 * renewing them), or every one but this node's own, of one node name (its predecessor under that
 * name, at a restart) or of any (null: alone on the database, every other lease is a dead one's).
 */
export type LeaseHolders = { expiredBefore: number } | { exceptToken: string; node: string | null };

/** A run under a lease, with the lease's token and node. */
export type HeldRun = RunTicket & {
  leaseToken: string;
  node: string | null;
  /** Until when the lease holds unless renewed: by then its run has surely stopped. */
  leaseExpiresAt: number;
};

/**
 * A run to insert (built by engine/new-run.ts), and the state it enters the queue in; its reason
 * (a note, or why it was not run) comes with its code.
 */
export type NewRun = RunTicket &
  RunReason & {
    /** How many occurrences of its trigger it accounts for (see Run.occurrences). */
    occurrences: number;
    queuedAt: number;
    entry: RunEntry;
  };

/**
 * How a run ended, written only while the writer still holds its lease. Without a reason, the
 * run keeps the one it was queued with (a retry's, a coalesced run's note).
 */
export type RunEnd = RunReason & {
  id: string;
  leaseToken: string;
  status: RunStatus;
  finishedAt: number;
  items: ItemOutcome[];
  results: RecordedResult[];
  log: string;
};

/** A file a job produced, kept with its run. */
export interface Artifact {
  id: string;
  runId: string;
  name: string;
  mediaType: string;
  content: Buffer;
  /** Who may download it besides seeing the run: holders of the permission of the job that made it. */
  permission: string | null;
}

/** How many runs of a task are in each live state (running counts the claimed ones too). */
export interface TaskActivity {
  /** Running, or claimed ahead by a node (as good as running). */
  running: number;
  /** Waiting behind the running one. */
  waiting: number;
  /** Ready to start at now. */
  ready: number;
}

/**
 * The run queue: what nodes insert, claim, start, renew and end. Each state change is one of
 * RUN_TRANSITIONS (domain/run-state.ts), written as a conditional update that moves only runs in
 * the transition's `from` states; each returns the runs it moved.
 */
export interface RunQueue {
  /** Inserts the runs; one whose occurrence already has a run is left out. Returns the inserted ids. */
  insert(runs: readonly NewRun[]): Promise<Set<string>>;
  /** Per task: how many of its runs are in each live state. */
  activity(taskIds: readonly string[], now: number): Promise<Map<string, TaskActivity>>;
  readyTaskIds(now: number, limit: number): Promise<string[]>;
  /** Ready runs of these tasks that may start at now, oldest first. */
  ready(taskIds: readonly string[], now: number, limit: number): Promise<RunTicket[]>;
  tickets(ids: readonly string[]): Promise<RunTicket[]>;
  earliestReady(): Promise<number | null>;
  /** start: ready runs start now under this lease. */
  start(ids: readonly string[], lease: Lease, now: number): Promise<Set<string>>;
  /** begin: runs claimed ahead under this lease start; those canceled meanwhile are left out. */
  begin(ids: readonly string[], leaseToken: string, now: number): Promise<Set<string>>;
  /**
   * withdraw: deletes runs claimed ahead that were not begun, still under the given lease; their
   * occurrences are given back to their triggers (see give-back.ts).
   */
  withdraw(claims: ReadonlyArray<{ id: string; leaseToken: string }>): Promise<Set<string>>;
  /** park: ready runs wait until the running run of their task ends. */
  park(ids: readonly string[]): Promise<Set<string>>;
  /** release: the oldest waiting run of each task becomes ready; how many did. */
  release(taskIds: readonly string[], now: number): Promise<number>;
  /** end: writes each end whose lease is still held; returns the ids written. */
  end(ends: readonly RunEnd[]): Promise<Set<string>>;
  /** interrupt: ends a running run whose lease is this token; false when it is not (any more). */
  interrupt(id: string, leaseToken: string, now: number, why: CodedReason): Promise<boolean>;
  /** cancel: cancels a run not started yet, or asks the node running it to; its status before. */
  cancel(id: string, now: number): Promise<RunStatus | undefined>;
  /** Saves the log of a running run while its lease is this token. */
  saveLog(id: string, leaseToken: string, log: string): Promise<void>;
  /**
   * The heartbeat: extends every claimed or running run of this lease; returns the ids renewed (a
   * run of this node missing there has lost its lease) and those whose cancel was requested.
   */
  renewLeases(
    token: string,
    expiresAt: number,
  ): Promise<{ renewed: Set<string>; cancel: string[] }>;
  /** Running runs under the leases of these holders, oldest lease first (for the sweep). */
  running(holders: LeaseHolders, limit: number): Promise<HeldRun[]>;
  /** Runs claimed ahead, not begun yet, under the leases of these holders (for the sweep). */
  claimed(holders: LeaseHolders, limit: number): Promise<HeldRun[]>;
  /** The task's runs claimed ahead, not begun yet, whoever holds them. */
  claimedOf(taskId: string): Promise<HeldRun[]>;
}

/** The runs' history: what people read of runs, their logs and files, and its retention. */
export interface RunHistory {
  get(id: string): Promise<Run | undefined>;
  list(query: RunListQuery): Promise<Page<Run>>;
  log(id: string): Promise<string | undefined>;
  /** Appends to the log of a run, whatever its state (notes written after it ended). */
  appendLog(id: string, text: string): Promise<void>;
  latestOf(taskIds: readonly string[]): Promise<Map<string, Run>>;
  /** The newest end (not a skip) at or after since of each task that has one. */
  lastEndsOf(
    taskIds: readonly string[],
    since: number,
  ): Promise<Map<string, { status: RunStatus; finishedAt: number }>>;
  /** The newest run of one trigger of the task, if it has any. */
  latestOfTrigger(taskId: string, triggerId: string): Promise<Run | undefined>;
  /** Deletes ended runs the policy no longer keeps; returns how many. */
  prune(taskId: string, policy: TaskPolicy, now: number): Promise<number>;
  addArtifact(artifact: Artifact): Promise<void>;
  artifact(runId: string, artifactId: string): Promise<Artifact | undefined>;
  /** The bytes of the files kept with the owner's runs. */
  artifactBytesOf(ownerId: string): Promise<number>;
  /**
   * First attempts of the owner's runs queued at or after `since` other than by a schedule:
   * how many, and when the earliest of them was queued (null when none).
   */
  unscheduledSince(
    ownerId: string,
    since: number,
  ): Promise<{ count: number; earliest: number | null }>;
}

/** A notice between the parts of one node, or between nodes sharing a database. */
export type Signal =
  | { type: 'wake' }
  | { type: 'task'; taskId: string }
  | { type: 'cancel'; runId: string }
  /** Mail was queued or made due: nodes look for messages to send. */
  | { type: 'mail' }
  /** The server-wide settings changed: nodes read them again. */
  | { type: 'settings' };

/** The append-only audit log. */
export interface AuditRepository {
  /** Stores an event built by auditEvent (its id and time are the domain's). */
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(query: {
    objectType?: string;
    objectId?: string;
    actorId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditEvent>>;
  /** Events from (inclusive) to (exclusive), oldest first, at most limit. */
  between(from: Date, to: Date, limit: number): Promise<AuditEvent[]>;
}

/** Server-wide settings: a JSON value per key. */
export interface SettingsRepository {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, at: Date): Promise<void>;
}

/** Data sources by id; names are unique regardless of case. */
export interface DataSourceRepository {
  list(): Promise<DataSource[]>;
  get(id: string): Promise<DataSource | undefined>;
  getByName(name: string): Promise<DataSource | undefined>;
  /** False (and nothing written) when the name is taken. */
  insert(source: DataSource): Promise<boolean>;
  /** False when it does not exist; throws NAME_TAKEN on a clash. */
  update(source: DataSource): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

/** A file a task's save-file action wrote: the only files it may replace or delete. */
export interface SavedFile {
  folder: string;
  name: string;
  taskId: string;
  savedAt: Date;
}

/** Which task wrote which file; a file no task wrote (or whose task is gone) is no one's. */
export interface SavedFileRepository {
  /** Records (or takes over, when the task replaced it) the file. */
  record(file: SavedFile): Promise<void>;
  /** The names of the files the task wrote in the folder. */
  namesOf(taskId: string, folder: string): Promise<Set<string>>;
  forget(folder: string, name: string): Promise<void>;
}

/** A node's claim on messages: who, under which token, until when. */
export interface OutboxClaim {
  node: string;
  token: string;
  now: number;
  expiresAt: number;
  limit: number;
}

/**
 * The mail outbox (domain/outbox.ts): messages are added with their run's end, claimed by one
 * node at a time (a claim whose node died expires), settled after each attempt by the claim's
 * holder only.
 */
export interface OutboxRepository {
  /** Adds messages: held for their run (released with its end), or queued at once. */
  add(messages: readonly NewOutboxMessage[], state: 'held' | 'queued'): Promise<void>;
  /**
   * Queues the held mail of these runs, whose ends were just written: due now, its retry period
   * counted from now (the clock of whoever writes the end). Returns how many were released.
   */
  releaseHeld(runIds: readonly string[], now: number): Promise<number>;
  /** Deletes the held mail of runs that were interrupted: a run whose end was lost sends none. */
  dropHeld(runIds: readonly string[]): Promise<number>;
  /**
   * Claims messages due at now (queued or retrying), and those whose claim expired (their node
   * died while sending), oldest due first; each is claimed by one node only.
   */
  claim(claim: OutboxClaim): Promise<ClaimedMessage[]>;
  /** Writes an attempt's outcome while the claim holds; false when it was lost. */
  settle(id: string, claimToken: string, settlement: OutboxSettlement): Promise<boolean>;
  /** Gives back the claims of this node (left by its previous process), or of all when null. */
  releaseClaimsOf(node: string | null, now: number): Promise<number>;
  /** When the next message falls due (or a claim expires); null when nothing waits. */
  nextDueAt(): Promise<number | null>;
  get(id: string): Promise<OutboxEntry | undefined>;
  /** Newest first. */
  list(query: { state?: OutboxState; limit: number; cursor?: string }): Promise<Page<OutboxEntry>>;
  /** The messages of a run, oldest first. */
  ofRun(runId: string): Promise<OutboxEntry[]>;
  /**
   * Makes a waiting or finished (not sent) message due now, its refused and pending recipients
   * pending again until expiresAt; false when it is being sent, sent or canceled, or gone.
   */
  retryNow(id: string, now: number, expiresAt: number): Promise<boolean>;
  /** Cancels a waiting message; false when it is being sent, done, or gone. */
  cancel(id: string, now: number): Promise<boolean>;
  counts(): Promise<OutboxCounts>;
  /** Deletes messages done before the instant; returns how many. */
  pruneFinishedBefore(before: number): Promise<number>;
}

/** What tasks' failure notices remember between runs (domain/run-notices.ts). */
export interface NoticeStateRepository {
  /** The remembered states of these tasks; a task without one has none yet. */
  of(taskIds: readonly string[]): Promise<Map<string, NoticeState>>;
  save(states: readonly NoticeState[]): Promise<void>;
}

/** Everything the service keeps, behind semantic operations; the same for every database. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly sessions: SessionRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly tasks: TaskRepository;
  readonly grants: TaskGrantRepository;
  readonly audit: AuditRepository;
  readonly triggers: TriggerRepository;
  readonly queue: RunQueue;
  readonly runs: RunHistory;
  readonly settings: SettingsRepository;
  readonly dataSources: DataSourceRepository;
  readonly savedFiles: SavedFileRepository;
  readonly outbox: OutboxRepository;
  readonly noticeStates: NoticeStateRepository;
  /** Whether several nodes may share this store (PostgreSQL) or only one process (SQLite). */
  readonly shared: boolean;
  /** The database's clock (epoch ms), or null when the store has none of its own. */
  currentTime(): Promise<number | null>;
  /** Sends a signal to every node; inside a transaction, when it commits. */
  publish(signal: Signal): Promise<void>;
  /** Receives every node's signals (this one's too); returns how to stop. */
  subscribe(listener: (signal: Signal) => void): () => void;
  /**
   * Calls fn once the transaction this store belongs to has committed (never when it rolls
   * back); outside a transaction, at once.
   */
  afterCommit(fn: () => void): void;
  /** Runs fn with a store whose every operation belongs to one transaction. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Brings the schema up to date; safe to call from several processes at once. */
  migrate(): Promise<string[]>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
