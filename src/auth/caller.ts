import type { Actor } from '../domain/audit.ts';
import { AppError } from '../domain/errors.ts';
import { plannerAccess } from '../domain/permissions.ts';
import type { User } from '../domain/user.ts';

/** Who calls a service operation, with the permissions they hold right now. */
export interface Caller {
  actor: Actor;
  /** The calling user; null for the operator at the command line. */
  user: User | null;
  permissions: ReadonlySet<string>;
}

/** A user calling through the API or UI. */
export function userCaller(user: User, permissions: ReadonlySet<string>, address: string): Caller {
  return { actor: { userId: user.id, login: user.login, address }, user, permissions };
}

/** The operator at the command line: holds every permission. */
export function operatorCaller(allPermissions: readonly string[]): Caller {
  return {
    actor: { userId: null, login: 'cli', address: 'cli' },
    user: null,
    permissions: new Set(allPermissions),
  };
}

/** Throws FORBIDDEN unless the caller holds the permission. */
export function requirePermission(caller: Caller, permission: string): void {
  if (!caller.permissions.has(permission)) {
    throw new AppError('FORBIDDEN', `This needs the permission '${permission}'`);
  }
}

/** What the caller may do in the planner; throws FORBIDDEN if they may not use it at all. */
export function requirePlanner(caller: Caller): { admin: boolean } {
  const access = plannerAccess(caller.permissions);
  if (!access.use) throw new AppError('FORBIDDEN', "This needs the permission 'taskplanner'");
  return { admin: access.admin };
}
