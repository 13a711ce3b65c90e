import type { Caller } from '../auth/caller.ts';
import { AppError, validationError } from '../domain/errors.ts';
import type { TaskDefinition } from '../domain/task.ts';
import { limitsFor } from '../engine/owner-limits.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { Store } from '../store/store.ts';
import { spacingIssues } from './schedule-spacing.ts';

/** A task about to be written, as the limits see it. */
export interface TaskSave {
  ownerId: string;
  definition: TaskDefinition;
  /**
   * The stored definition when the task keeps its owner (only changed triggers are checked);
   * null for a new task, a copy, an import or a new owner.
   */
  previous: TaskDefinition | null;
}

/** The refusal for an owner who already has as many tasks as allowed. */
async function noRoom(
  store: Store,
  caller: Caller,
  ownerId: string,
  count: number,
  limit: number,
): Promise<AppError> {
  const allows = limit === 0 ? 'allows no tasks' : `allows at most ${limit}`;
  if (caller.user?.id === ownerId) {
    return new AppError(
      'LIMIT_REACHED',
      `You have ${count} tasks, and this server ${allows} per user; delete some first`,
    );
  }
  const login = (await store.users.get(ownerId))?.login ?? ownerId;
  return new AppError(
    'LIMIT_REACHED',
    `'${login}' has ${count} tasks, and this server ${allows} per user; they must delete some first`,
  );
}

/**
 * Refuses a save that goes past the owner's limits: LIMIT_REACHED when a new task (or one
 * given to them) would exceed the tasks they may own, VALIDATION_FAILED naming each trigger
 * that fires more often than the minimum interval. Run inside the save's transaction, after
 * the owner is locked, so two saves at once cannot both take the last place.
 */
export async function requireWithinLimits(
  store: Store,
  registry: ComponentRegistry,
  caller: Caller,
  save: TaskSave,
  now: number,
): Promise<void> {
  const limits = await limitsFor(store, save.ownerId);
  if (limits.tasksPerUser !== null && save.previous === null) {
    const count = await store.tasks.countByOwner(save.ownerId);
    if (count >= limits.tasksPerUser) {
      throw await noRoom(store, caller, save.ownerId, count, limits.tasksPerUser);
    }
  }
  if (limits.minimumIntervalSeconds === null) return;
  const issues = spacingIssues(
    registry,
    save.definition,
    save.previous,
    limits.minimumIntervalSeconds,
    now,
  );
  if (issues.length > 0) throw validationError(issues);
}
