import { PERMISSIONS } from '../domain/permissions.ts';
import { because, type CodedReason } from '../domain/reason-codes.ts';
import type { ComponentCategory, Task } from '../domain/task.ts';
import type { User } from '../domain/user.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';

/** A task's owner as a run sees them: their account and the permissions they hold now. */
export interface OwnerState {
  user: User;
  permissions: ReadonlySet<string>;
}

/** Why the owner cannot run anything at all, or null when they can. */
export function ownerProblem(owner: OwnerState | undefined): CodedReason | null {
  if (!owner) return because('owner-missing', 'the owner of the task no longer exists');
  if (owner.user.disabled)
    return because('owner-disabled', `the owner '${owner.user.login}' is disabled`);
  if (!owner.permissions.has(PERMISSIONS.planner)) {
    return because(
      'owner-lacks-permission',
      `the owner '${owner.user.login}' no longer holds the permission '${PERMISSIONS.planner}'`,
    );
  }
  return null;
}

/** The components the owner may not use now, each with a message naming the missing permission. */
export function deniedComponents(
  task: Task,
  registry: ComponentRegistry,
  owner: OwnerState,
): Map<string, string> {
  const denied = new Map<string, string>();
  const check = (category: ComponentCategory, component: { id: string; kind: string }) => {
    const permission = registry.get(category, component.kind)?.permission;
    if (permission !== undefined && !owner.permissions.has(permission)) {
      denied.set(
        component.id,
        `${category} ${component.id} (${component.kind}) needs the permission '${permission}', which the owner '${owner.user.login}' does not hold`,
      );
    }
  };
  for (const job of task.jobs) check('job', job);
  for (const action of task.actions) check('action', action);
  if (task.series) check('series', task.series);
  return denied;
}

/** Why the trigger that started the run may not start it (its permission is missing), or null. */
export function deniedTrigger(
  task: Task,
  triggerId: string | null,
  registry: ComponentRegistry,
  owner: OwnerState,
): CodedReason | null {
  const trigger = task.triggers.find((each) => each.id === triggerId);
  const permission = trigger && registry.get('trigger', trigger.kind)?.permission;
  if (!trigger || permission === undefined || owner.permissions.has(permission)) return null;
  return because(
    'owner-lacks-permission',
    `trigger ${trigger.id} (${trigger.kind}) needs the permission '${permission}', which the owner '${owner.user.login}' does not hold`,
  );
}
