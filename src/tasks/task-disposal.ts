import { requirePermission, type Caller } from '../auth/caller.ts';
import { validationError } from '../domain/errors.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import type { Store } from '../store/store.ts';
import type { TaskService } from './task-service.ts';

/** What becomes of the tasks of a user who is deleted: deleted too, or given to another user. */
export type TaskDisposal = { tasks: 'delete' } | { tasks: 'transfer'; to: string };

/**
 * Deletes or transfers every task a user owns, inside the caller's transaction. Both act on
 * someone else's tasks, so both need taskplanner.admin; a transfer follows the rules of
 * transferring one task (an enabled new owner, and every permission the task reaches held by
 * the caller). Returns how many tasks it moved or deleted.
 */
export class TaskDisposer {
  constructor(private readonly tasks: TaskService) {}

  async dispose(
    store: Store,
    caller: Caller,
    ownerId: string,
    disposal: TaskDisposal,
  ): Promise<number> {
    requirePermission(caller, PERMISSIONS.plannerAdmin);
    if (disposal.tasks === 'transfer' && disposal.to === ownerId) {
      throw validationError([
        { in: 'query', path: '/to', message: 'is the user being deleted; choose someone else' },
      ]);
    }
    if (disposal.tasks === 'transfer') await requireEnabledTarget(store, disposal.to);
    const tasks = this.tasks.withStore(store);
    const ids = await store.tasks.idsOfOwner(ownerId);
    for (const id of ids) {
      if (disposal.tasks === 'delete') await tasks.delete(caller, id);
      else await tasks.transfer(caller, id, disposal.to);
    }
    return ids.length;
  }
}

/**
 * The user who is to receive the tasks, locked so that they stay enabled until the transfer
 * commits; checked before any task moves, also when the deleted user owns none.
 */
async function requireEnabledTarget(store: Store, userId: string): Promise<void> {
  await store.users.lock(userId);
  const target = await store.users.get(userId);
  if (target === undefined || target.disabled) {
    throw validationError([{ in: 'query', path: '/to', message: 'is not an enabled user' }]);
  }
}
