import { AppError } from '../domain/errors.ts';
import type { Store } from '../store/store.ts';
import type { Caller } from './caller.ts';

/*
 * users.manage is not a way to become more than one is. A manager grants only what they
 * hold, and touches only users who hold nothing they lack; "hold" always means the effective
 * permissions (direct and through groups), since a group is as good as a direct grant.
 */

/** The permissions of the list that the caller does not hold, sorted and unique. */
export function permissionsBeyond(caller: Caller, permissions: Iterable<string>): string[] {
  return [...new Set(permissions)]
    .filter((permission) => !caller.permissions.has(permission))
    .sort();
}

function quoted(permissions: readonly string[]): string {
  return permissions.map((permission) => `'${permission}'`).join(', ');
}

/** Throws FORBIDDEN unless the caller holds every one of the permissions. */
export function requireHoldsAll(caller: Caller, permissions: Iterable<string>): void {
  const beyond = permissionsBeyond(caller, permissions);
  if (beyond.length > 0) {
    throw new AppError('FORBIDDEN', `You do not hold ${quoted(beyond)} yourself`);
  }
}

/**
 * Throws FORBIDDEN unless the user holds, directly or through groups, nothing the caller
 * lacks; read in the given store so a transaction sees its own changes.
 */
export async function requireUserWithin(
  store: Store,
  caller: Caller,
  user: { id: string; login: string },
): Promise<void> {
  const beyond = permissionsBeyond(caller, await store.users.effectivePermissions(user.id));
  if (beyond.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      `${user.login} holds ${quoted(beyond)}, which you do not hold yourself`,
    );
  }
}
