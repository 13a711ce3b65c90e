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

/*
 * A task runs as its owner. Whoever else saves it (an administrator, later a user it is
 * shared with) would otherwise lend themselves the owner's permissions: so they may add or
 * change only components whose permissions they hold too.
 */

/** Whether the caller writes the task as its owner (the operator at the command line counts). */
export function isOwnerEdit(caller: Caller, ownerId: string): boolean {
  return caller.user === null || caller.user.id === ownerId;
}

/** The components of next that previous lacks, or has with another kind or config. */
export function changedComponents(
  previous: TaskDefinition | null,
  next: TaskDefinition,
): Array<[ComponentCategory, Component]> {
  const before = new Map(
    (previous ? componentsOf(previous) : []).map(([category, c]) => [`${category}:${c.id}`, c]),
  );
  return componentsOf(next).filter(([category, component]) => {
    const old = before.get(`${category}:${component.id}`);
    return !old || old.kind !== component.kind || !isDeepStrictEqual(old.config, component.config);
  });
}

/** Throws FORBIDDEN naming every component whose permission the caller does not hold. */
export function requireEditorHolds(
  caller: Caller,
  registry: ComponentRegistry,
  components: ReadonlyArray<[ComponentCategory, Component]>,
): void {
  const lacking = components.flatMap(([category, component]) => {
    const permission = registry.get(category, component.kind)?.permission;
    if (permission === undefined || caller.permissions.has(permission)) return [];
    return [`${category} ${component.id} (${component.kind}) needs '${permission}'`];
  });
  if (lacking.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      `This task runs as its owner; you may add or change only components whose permissions you hold yourself: ${lacking.join('; ')}`,
    );
  }
}
