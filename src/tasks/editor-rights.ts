import { isDeepStrictEqual } from 'node:util';
import type { Caller } from '../auth/caller.ts';
import { AppError } from '../domain/errors.ts';
import {
  componentsOf,
  type Component,
  type ComponentCategory,
  type TaskDefinition,
} from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import { noticeNeeds } from '../notices/notice-permissions.ts';
import type { Store } from '../store/store.ts';

/*
 * A task runs as its owner. Whoever else shapes what it does (an administrator, later a user
 * it is shared with) would otherwise lend themselves the owner's permissions: a value they
 * write may fill a program's arguments, an action they add may receive an audit export. So a
 * non-owner who changes more than the harmless parts of a task (on or off, description,
 * policies), or starts it with parameters, must hold every permission the task reaches: those
 * of its own components and of the tasks it starts (next-task), which run as the same owner.
 */

/** One permission a task needs, and which component of which task needs it. */
export interface NeededPermission {
  what: string;
  permission: string;
}

/** At most this many tasks are followed through next-task when collecting permissions. */
const MAX_REACHED_TASKS = 100;

/** Whether the caller writes the task as its owner (the operator at the command line counts). */
export function isOwnerEdit(caller: Caller, ownerId: string): boolean {
  return caller.user === null || caller.user.id === ownerId;
}

/** Whether only the parts that shape no run's data changed: on or off, description, policy. */
export function onlyHarmlessChanges(previous: TaskDefinition, next: TaskDefinition): boolean {
  const shaping = ({ enabled: _e, description: _d, policy: _p, ...rest }: TaskDefinition) => rest;
  return isDeepStrictEqual(shaping(previous), shaping(next));
}

function neededBy(
  registry: ComponentRegistry,
  components: ReadonlyArray<[ComponentCategory, Component]>,
  where: string,
): NeededPermission[] {
  return components.flatMap(([category, component]) => {
    const permission = registry.get(category, component.kind)?.permission;
    const what = `${category} ${component.id} (${component.kind})${where}`;
    return permission === undefined ? [] : [{ what, permission }];
  });
}

/** The tasks a definition's actions start (next-task and plugins' like it). */
export function startedTaskIds(registry: ComponentRegistry, definition: TaskDefinition): string[] {
  return definition.actions.flatMap((action) => {
    const kind = registry.get('action', action.kind);
    const taskId = kind?.category === 'action' ? kind.startsTask?.(action.config) : null;
    return taskId ? [taskId] : [];
  });
}

/** The tasks a definition's triggers follow (after-task and plugins' like it). */
export function followedTaskIds(registry: ComponentRegistry, definition: TaskDefinition): string[] {
  return definition.triggers.flatMap((trigger) => {
    const kind = registry.get('trigger', trigger.kind);
    return (kind?.category === 'trigger' && kind.follows?.(trigger.config).taskIds) || [];
  });
}

/**
 * Every permission the definition reaches: its components', and those of the owner's tasks
 * it starts, followed through their own next-task actions.
 */
export async function reachedPermissions(
  store: Store,
  registry: ComponentRegistry,
  ownerId: string,
  definition: TaskDefinition,
): Promise<NeededPermission[]> {
  const needed = neededBy(registry, componentsOf(definition), '');
  if (definition.notices) needed.push(...noticeNeeds(registry, definition.notices));
  const seen = new Set<string>();
  let pending = startedTaskIds(registry, definition);
  while (pending.length > 0 && seen.size < MAX_REACHED_TASKS) {
    const next: string[] = [];
    for (const task of await store.tasks.getMany(pending.filter((id) => !seen.has(id)))) {
      seen.add(task.id);
      if (task.ownerId !== ownerId) continue;
      needed.push(
        ...neededBy(registry, componentsOf(task), ` of the task '${task.name}' it starts`),
      );
      next.push(...startedTaskIds(registry, task));
    }
    pending = next.filter((id) => !seen.has(id));
  }
  return needed;
}

/** Throws FORBIDDEN naming every needed permission the caller does not hold. */
export function requireEditorHolds(caller: Caller, needed: readonly NeededPermission[]): void {
  const lacking = needed.filter(({ permission }) => !caller.permissions.has(permission));
  if (lacking.length > 0) {
    const list = lacking.map(({ what, permission }) => `${what} needs '${permission}'`);
    throw new AppError(
      'FORBIDDEN',
      `This task runs as its owner: you may switch it on or off and change its description and policies, but anything else (its name, triggers, jobs, actions, series) or parameters only with every permission it uses: ${list.join('; ')}`,
    );
  }
}
