import type { AuditEvent, NewAuditEvent } from '../domain/audit.ts';
import type { Task, TaskListQuery } from '../domain/task.ts';
import type { ApiToken, Group, Session, User, UserWithSecret } from '../domain/user.ts';

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
  list(query: { q?: string; limit: number; cursor?: string }): Promise<Page<User>>;
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
}

/** The append-only audit log. */
export interface AuditRepository {
  append(event: NewAuditEvent, at: Date): Promise<AuditEvent>;
  /** Newest first. */
  list(query: {
    objectType?: string;
    objectId?: string;
    actorId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditEvent>>;
}

/** Everything the service keeps, behind semantic operations; the same for every database. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly sessions: SessionRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly tasks: TaskRepository;
  readonly audit: AuditRepository;
  /** Runs fn with a store whose every operation belongs to one transaction. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Brings the schema up to date; safe to call from several processes at once. */
  migrate(): Promise<string[]>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
