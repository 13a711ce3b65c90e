import type { Caller } from '../auth/caller.ts';
import { AppError } from '../domain/errors.ts';
import { allows } from '../domain/task-access.ts';
import type { Store } from '../store/store.ts';
import { accessToEach } from './task-rights.ts';

/** At most this many tasks are named in the refusal. */
const NAMED = 5;

/**
 * Whoever adds someone to a group hands them the tasks shared with it: they may do so only
 * when they reach each of those tasks at its level themselves (the owner and administrators
 * of all tasks reach every one), as they may hand out only permissions they hold.
 */
export async function requireGroupGrantsWithin(
  store: Store,
  caller: Caller,
  groupId: string,
): Promise<void> {
  const grants = await store.grants.ofGroup(groupId);
  if (grants.length === 0) return;
  const tasks = await store.tasks.getMany(grants.map((grant) => grant.taskId));
  const access = await accessToEach(store, caller, tasks);
  const names = new Map(tasks.map((task) => [task.id, task.name]));
  const beyond = grants.filter((grant) => {
    const held = access.get(grant.taskId);
    return held === undefined || !allows(held, grant.level);
  });
  if (beyond.length === 0) return;
  const shown = beyond
    .slice(0, NAMED)
    .map((grant) => `'${names.get(grant.taskId) ?? grant.taskId}' (${grant.level})`);
  const more = beyond.length > NAMED ? ` and ${beyond.length - NAMED} more` : '';
  throw new AppError(
    'FORBIDDEN',
    `Members of this group reach tasks you do not reach at their level yourself: ${shown.join(', ')}${more}; only someone who does may add members`,
  );
}
