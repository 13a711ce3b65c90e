import { validationError, type FieldIssue } from '../domain/errors.ts';
import type { TaskDefinition } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { Store } from '../store/store.ts';

/** A task being saved: its id, its owner, what it will be and what it was (null when new). */
export interface FollowingSave {
  taskId: string;
  ownerId: string;
  definition: TaskDefinition;
  previous: TaskDefinition | null;
}

/** Each task an after-task trigger follows, with the trigger's place in the definition. */
function followsOf(registry: ComponentRegistry, definition: TaskDefinition) {
  return definition.triggers.flatMap((trigger, index) => {
    const kind = registry.get('trigger', trigger.kind);
    if (kind?.category !== 'trigger' || !kind.follows) return [];
    return kind.follows(trigger.config).taskIds.map((followed) => ({ trigger, index, followed }));
  });
}

/** Whether the previous definition had this trigger follow this task already. */
function followedBefore(
  registry: ComponentRegistry,
  previous: TaskDefinition | null,
  triggerId: string,
  followed: string,
): boolean {
  if (!previous) return false;
  return followsOf(registry, previous).some(
    (each) => each.trigger.id === triggerId && each.followed === followed,
  );
}

/**
 * Refuses an after-task trigger that can never fire: one that follows its own task, or a task
 * that is not one of the owner's (tasks follow only tasks of the same owner; a task of someone
 * else is answered as missing, so the refusal tells nothing of it). A follow the task already
 * had is left alone: the followed task may have been deleted since.
 */
export async function requireFollowableTasks(
  store: Store,
  registry: ComponentRegistry,
  save: FollowingSave,
): Promise<void> {
  const follows = followsOf(registry, save.definition).filter(
    ({ trigger, followed }) => !followedBefore(registry, save.previous, trigger.id, followed),
  );
  if (follows.length === 0) return;
  const found = await store.tasks.getMany([...new Set(follows.map((each) => each.followed))]);
  const owners = new Map(found.map((task) => [task.id, task.ownerId]));
  const issues: FieldIssue[] = [];
  for (const { trigger, index, followed } of follows) {
    const field = trigger.config.taskId === followed ? 'taskId' : 'taskIds';
    const path = `/triggers/${index}/config/${field}`;
    if (followed === save.taskId) {
      issues.push({ path, message: 'a task cannot follow itself' });
    } else if (owners.get(followed) !== save.ownerId) {
      issues.push({ path, message: `the owner has no task '${followed}' to follow` });
    }
  }
  if (issues.length > 0) throw validationError(issues);
}
