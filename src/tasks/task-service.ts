import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { requirePlanner, type Caller } from '../auth/caller.ts';
import { auditEvent } from '../domain/audit.ts';
import { AppError, notFound, validationError } from '../domain/errors.ts';
import type { Task, TaskDefinition } from '../domain/task.ts';
import {
  requireLevel,
  type AccessLevel,
  type TaskAccess,
  type TaskScope,
} from '../domain/task-access.ts';
import {
  TaskCreateInput,
  TaskPatchInput,
  TaskReplaceInput,
  type RevisionCondition,
  type TaskListParams,
} from '../domain/task-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import type { Page, Store } from '../store/store.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import {
  buildDefinition,
  definitionOf,
  definitionToInput,
  type DefinitionContext,
} from './task-definition.ts';
import {
  isOwnerEdit,
  onlyHarmlessChanges,
  reachedPermissions,
  requireEditorHolds,
  followedTaskIds,
  startedTaskIds,
} from './editor-rights.ts';
import { requireUsableDataSources } from './data-source-checks.ts';
import { requireFollowableTasks } from './follow-checks.ts';
import { defaultGrantsFor } from './grant-subjects.ts';
import { requireAllowedPaths } from './path-checks.ts';
import { requireNoSecretSteering } from './secret-destinations.ts';
import { accessTo, accessToEach } from './task-rights.ts';
import { requireWithinLimits } from './task-limits.ts';
import { withoutSecrets, type SecretKeeping } from './task-secrets.ts';
import { syncTriggers, type TriggerSchedules } from './trigger-sync.ts';
import type { HolidayRegister } from '../calendar/holiday-register.ts';

const validateCreate = compileValidator(TaskCreateInput);
const validateReplace = compileValidator(TaskReplaceInput);
const validatePatch = compileValidator(TaskPatchInput);

/** The revisions an update may be based on: from If-Match and the body, which must agree. */
function baseRevisions(
  ifMatch: RevisionCondition | undefined,
  fromBody: number | undefined,
): RevisionCondition {
  if (fromBody === undefined) {
    if (ifMatch !== undefined) return ifMatch;
    throw new AppError(
      'REVISION_REQUIRED',
      'Send the revision you edited, in If-Match or as "revision"',
    );
  }
  if (ifMatch === undefined || ifMatch === '*') return [fromBody];
  // A list of only weak or unknown tags matches no revision, the body's neither.
  if (ifMatch.length > 0 && !ifMatch.includes(fromBody)) {
    throw validationError([{ path: '/revision', message: 'differs from the If-Match header' }]);
  }
  return ifMatch.filter((revision) => revision === fromBody);
}

/** Whether a task's revision is one the update may be based on (any, without a condition). */
function matches(expected: RevisionCondition | undefined, revision: number): boolean {
  return expected === undefined || expected === '*' || expected.includes(revision);
}

/**
 * Tasks as their users see them: each user reaches only their own, holders of
 * taskplanner.admin reach everyone's, and every change is audited.
 */
export class TaskService {
  constructor(
    private readonly store: Store,
    private readonly context: DefinitionContext,
    /** The days of holiday calendars this server has read, for the fire times of schedules. */
    private readonly holidays: HolidayRegister,
    private readonly now: () => Date,
  ) {}

  get #schedules(): TriggerSchedules {
    return { registry: this.context.registry, holidays: this.holidays };
  }

  /** The component kinds tasks are built from. */
  get registry(): ComponentRegistry {
    return this.context.registry;
  }

  /** The same service working inside the given store (e.g. a transaction). */
  withStore(store: Store): TaskService {
    return new TaskService(store, this.context, this.holidays, this.now);
  }

  async list(caller: Caller, params: TaskListParams): Promise<Page<Task>> {
    const { admin } = requirePlanner(caller);
    return this.store.tasks.list({
      scope: listScope(caller, admin, params),
      sort: params.sort ?? 'name',
      order: params.order ?? 'asc',
      limit: params.limit ?? 50,
      includeHidden: admin,
      ...(params.q === undefined ? {} : { q: params.q }),
      ...(params.enabled === undefined ? {} : { enabled: params.enabled }),
      ...(params.cursor === undefined ? {} : { cursor: params.cursor }),
    });
  }

  /**
   * The task if the caller reaches it at the needed level: NOT_FOUND, as if it did not exist,
   * when they may not even see it, FORBIDDEN when they may see it but not do this.
   */
  async get(
    caller: Caller,
    id: string,
    needed: AccessLevel = 'view',
    store: Store = this.store,
  ): Promise<Task> {
    requirePlanner(caller);
    const task = await store.tasks.get(id);
    const access = task && (await accessTo(store, caller, task));
    if (!task || !access) throw notFound('Task');
    requireLevel(access, needed);
    return task;
  }

  /** How the caller reaches each of the tasks (they are ones the caller may see). */
  async accessOf(caller: Caller, tasks: readonly Task[]): Promise<Map<string, TaskAccess>> {
    return accessToEach(this.store, caller, tasks);
  }

  async create(caller: Caller, raw: unknown): Promise<Task> {
    requirePlanner(caller);
    const owner = caller.user;
    if (!owner)
      throw new AppError('FORBIDDEN', 'Only a user can own a task; import it for a user instead');
    return this.#insert(
      caller,
      owner.id,
      buildDefinition(validateCreate(raw), this.context),
      'task.create',
    );
  }

  /**
   * A definition the caller runs without saving it (POST /tasks/execute), checked as a new task
   * of theirs is. Based on a saved task they may edit, secrets sent masked keep that task's
   * values as saving an edit would.
   */
  async unsaved(caller: Caller, input: TaskCreateInput, basedOn?: string): Promise<TaskDefinition> {
    requirePlanner(caller);
    const owner = caller.user;
    if (!owner) throw new AppError('FORBIDDEN', 'Only a user can run a task');
    const base = basedOn === undefined ? null : await this.get(caller, basedOn, 'edit');
    // Run as the caller, the owner's stored secrets would serve someone else: only theirs.
    const keep = base && !isOwnerEdit(caller, base.ownerId) ? 'never' : 'owner-edit';
    const definition = buildDefinition(input, this.context, base && definitionOf(base), keep);
    const save = { ownerId: owner.id, definition, previous: null };
    await requireAllowedPaths(this.store, this.registry, save);
    await requireUsableDataSources(this.store, this.registry, save);
    return definition;
  }

  /** Creates a task for a given owner (the CLI's import); needs administrative access. */
  async createFor(caller: Caller, ownerId: string, raw: unknown): Promise<Task> {
    const { admin } = requirePlanner(caller);
    if (!admin && ownerId !== caller.user?.id)
      throw new AppError('FORBIDDEN', "This needs 'taskplanner.admin'");
    if (!(await this.store.users.get(ownerId))) throw notFound('User');
    const definition = buildDefinition(validateCreate(raw), this.context);
    if (!isOwnerEdit(caller, ownerId)) {
      const needed = await reachedPermissions(this.store, this.registry, ownerId, definition);
      requireEditorHolds(caller, needed);
    }
    return this.#insert(caller, ownerId, definition, 'task.import');
  }

  async replace(
    caller: Caller,
    id: string,
    raw: unknown,
    ifMatch?: RevisionCondition,
  ): Promise<Task> {
    requirePlanner(caller);
    const { revision, ...input } = validateReplace(raw);
    const expected = baseRevisions(ifMatch, revision);
    return this.#change(caller, id, expected, 'task.update', (task) =>
      buildDefinition(input, this.context, task, secretKeeping(caller, task)),
    );
  }

  async patch(
    caller: Caller,
    id: string,
    raw: unknown,
    ifMatch?: RevisionCondition,
  ): Promise<Task> {
    requirePlanner(caller);
    const { revision, ...changes } = validatePatch(raw);
    const expected = baseRevisions(ifMatch, revision);
    return this.#change(caller, id, expected, 'task.update', (task) =>
      buildDefinition(
        {
          ...definitionToInput(definitionOf(task)),
          ...changes,
          policy: { ...task.policy, ...changes.policy },
        },
        this.context,
        task,
        secretKeeping(caller, task),
      ),
    );
  }

  async setEnabled(caller: Caller, id: string, enabled: boolean): Promise<Task> {
    const action = enabled ? 'task.enable' : 'task.disable';
    return this.#change(caller, id, undefined, action, (task) => ({
      ...definitionOf(task),
      enabled,
    }));
  }

  /**
   * Copies a task the caller can see; the copy belongs to the caller, and a copy of someone
   * else's task leaves its secrets behind (the owner's passwords are not the caller's).
   */
  async copy(
    caller: Caller,
    id: string,
    overrides: { name?: string; enabled?: boolean },
  ): Promise<Task> {
    const source = await this.get(caller, id);
    const owner = caller.user;
    if (!owner) throw new AppError('FORBIDDEN', 'Only a user can own a task');
    const own = definitionOf(source);
    const definition: TaskDefinition = {
      ...(isOwnerEdit(caller, source.ownerId) ? own : withoutSecrets(own, this.registry)),
      name: overrides.name?.trim() || `${source.name} (copy)`.slice(0, 200),
      enabled: overrides.enabled ?? source.enabled,
    };
    return this.#insert(caller, owner.id, definition, 'task.copy', { sourceId: source.id });
  }

  /** Gives a task to another user; administrators only. */
  async transfer(caller: Caller, id: string, newOwnerId: string): Promise<Task> {
    const { admin } = requirePlanner(caller);
    if (!admin) {
      await this.get(caller, id);
      throw new AppError('FORBIDDEN', "Giving a task to another owner needs 'taskplanner.admin'");
    }
    return this.#change(
      caller,
      id,
      undefined,
      'task.transfer',
      (task) => definitionOf(task),
      newOwnerId,
    );
  }

  async delete(caller: Caller, id: string): Promise<void> {
    await this.store.transaction(async (store) => {
      const task = await this.get(caller, id, 'manage', store);
      await store.tasks.delete(id);
      await store.publish({ type: 'task', taskId: id });
      const details = { name: task.name, ownerId: task.ownerId };
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'task.delete', 'task', id, details),
      );
    });
  }

  async #insert(
    caller: Caller,
    ownerId: string,
    definition: TaskDefinition,
    action: string,
    extra: Record<string, unknown> = {},
  ): Promise<Task> {
    const now = this.now();
    const id = randomUUID();
    await this.store.transaction(async (store) => {
      // Locking the owner keeps them from being deleted while their task is written.
      if (!(await store.users.lock(ownerId))) throw notFound('User');
      const save = { ownerId, definition, previous: null };
      await requireWithinLimits(store, this.registry, caller, save, now.getTime());
      await requireFollowableTasks(store, this.registry, { ...save, taskId: id });
      await requireAllowedPaths(store, this.registry, save);
      await requireUsableDataSources(store, this.registry, save);
      const task: Task = {
        ...definition,
        id,
        ownerId,
        ownerLogin: '',
        ownerName: '',
        hidden: false,
        revision: 1,
        createdAt: now,
        updatedAt: now,
      };
      await store.tasks.insert(task);
      await store.grants.replace(id, await defaultGrantsFor(store, ownerId));
      await syncTriggers(store, task, this.#schedules, now.getTime());
      const details = { name: definition.name, ownerId, ...extra };
      await store.audit.append(auditEvent(caller.actor, now, action, 'task', id, details));
    });
    return this.get(caller, id);
  }

  /**
   * Applies a change to a visible task in one transaction: checks the revision is one the
   * change may be based on (when given), bumps it, and audits. A concurrent writer gets a
   * conflict.
   */
  async #change(
    caller: Caller,
    id: string,
    expected: RevisionCondition | undefined,
    action: string,
    edit: (task: Task) => TaskDefinition,
    newOwnerId?: string,
  ): Promise<Task> {
    const now = this.now();
    await this.store.transaction(async (store) => {
      const task = await this.get(caller, id, 'edit', store);
      if (!matches(expected, task.revision)) throw revisionConflict(task.revision, expected);
      const base = task.revision;
      if (newOwnerId !== undefined) await requireEnabledOwner(store, newOwnerId);
      const ownerId = newOwnerId ?? task.ownerId;
      const definition = edit(task);
      if (ownerId === task.ownerId && sameDefinition(definition, task)) return;
      await this.#requireEditorRights(store, caller, task, definition, ownerId);
      const previous = ownerId === task.ownerId ? definitionOf(task) : null;
      const save = { ownerId, definition, previous };
      await requireWithinLimits(store, this.registry, caller, save, now.getTime());
      await requireFollowableTasks(store, this.registry, { ...save, taskId: id });
      await requireAllowedPaths(store, this.registry, save);
      await requireUsableDataSources(store, this.registry, save);
      const updated: Task = { ...task, ...definition, ownerId, revision: base + 1, updatedAt: now };
      if (!(await store.tasks.update(updated, base))) throw revisionConflict(task.revision);
      await syncTriggers(store, updated, this.#schedules, now.getTime());
      const details = {
        name: updated.name,
        ownerId,
        revision: updated.revision,
        ...(newOwnerId ? { previousOwnerId: task.ownerId } : {}),
        ...(isOwnerEdit(caller, task.ownerId) ? {} : { onBehalfOf: task.ownerLogin }),
      };
      await store.audit.append(auditEvent(caller.actor, now, action, 'task', id, details));
    });
    return this.get(caller, id);
  }

  /**
   * Someone other than the owner may change what a task does only with every permission it
   * reaches (see editor-rights); moving a task to another owner moves all of it into their
   * context.
   */
  async #requireEditorRights(
    store: Store,
    caller: Caller,
    task: Task,
    definition: TaskDefinition,
    ownerId: string,
  ): Promise<void> {
    const transfer = ownerId !== task.ownerId;
    if (!transfer && isOwnerEdit(caller, task.ownerId)) return;
    if (!transfer && onlyHarmlessChanges(definitionOf(task), definition)) return;
    if (!transfer) requireNoSecretSteering(definition, this.registry);
    requireEditorHolds(caller, await reachedPermissions(store, this.registry, ownerId, definition));
    if (!transfer) await this.#requireStartedTasksRunnable(store, caller, definition);
    if (!transfer) await this.#requireFollowedTasksVisible(store, caller, definition);
  }

  /**
   * A task that follows another learns of each of its runs ({trigger.task.name},
   * {trigger.run.reason}): whoever else shapes it must see each task it follows themselves.
   */
  async #requireFollowedTasksVisible(
    store: Store,
    caller: Caller,
    definition: TaskDefinition,
  ): Promise<void> {
    for (const followed of await store.tasks.getMany(followedTaskIds(this.registry, definition))) {
      if ((await accessTo(store, caller, followed)) === null) {
        throw notFound(`The task ${followed.id} that a trigger follows`);
      }
    }
  }

  /**
   * A task shared with someone may start the owner's other tasks (next-task): whoever else
   * shapes it must be allowed to run each of those themselves, or the chain would run, with
   * their values, a task they were never given (answered as missing when they cannot see it).
   */
  async #requireStartedTasksRunnable(
    store: Store,
    caller: Caller,
    definition: TaskDefinition,
  ): Promise<void> {
    for (const started of await store.tasks.getMany(startedTaskIds(this.registry, definition))) {
      const access = await accessTo(store, caller, started);
      if (access === null) throw notFound(`The task ${started.id} that an action starts`);
      requireLevel(access, 'run');
    }
  }
}

/**
 * Whose tasks a listing holds: by default (and with scope "all" for anyone but an administrator)
 * the caller's own and those shared with them; "mine" and "shared" one of the two; an
 * administrator's "all" or owner=all everyone's, and owner=<id> one user's (themselves for
 * anyone else).
 */
function listScope(caller: Caller, admin: boolean, params: TaskListParams): TaskScope {
  const userId = caller.user?.id;
  if (userId === undefined) {
    return params.owner === undefined || params.owner === 'all'
      ? { kind: 'everyone' }
      : { kind: 'owned', userId: params.owner };
  }
  if (params.owner !== undefined) {
    if (!admin && params.owner !== userId) {
      throw new AppError('FORBIDDEN', "Listing other users' tasks needs 'taskplanner.admin'");
    }
    return params.owner === 'all' ? { kind: 'everyone' } : { kind: 'owned', userId: params.owner };
  }
  if (params.scope === 'mine') return { kind: 'owned', userId };
  if (params.scope === 'shared') return { kind: 'shared', userId };
  return admin && params.scope === 'all' ? { kind: 'everyone' } : { kind: 'visible', userId };
}

/** Stored secrets are kept only when the owner edits their own task. */
function secretKeeping(caller: Caller, task: Task): SecretKeeping {
  return isOwnerEdit(caller, task.ownerId) ? 'owner-edit' : 'other-editor';
}

/** Locks the would-be owner of a task; they must exist and be enabled. */
async function requireEnabledOwner(store: Store, userId: string): Promise<void> {
  const owner = (await store.users.lock(userId)) ? await store.users.get(userId) : undefined;
  if (!owner || owner.disabled) {
    throw validationError([{ path: '/ownerId', message: 'is not an enabled user' }]);
  }
}

/** An edit that changes nothing is not written: no new revision, no audit event. */
function sameDefinition(definition: TaskDefinition, task: Task): boolean {
  return isDeepStrictEqual(definition, definitionOf(task));
}

function revisionConflict(current: number, expected?: RevisionCondition): AppError {
  const detail =
    Array.isArray(expected) && expected.length === 0
      ? `If-Match names no revision of the task (a revision is a strong tag such as "3"; a weak W/"…" never matches); the revision is ${current}`
      : `The task was changed meanwhile; its revision is now ${current}`;
  return new AppError('REVISION_CONFLICT', detail);
}
