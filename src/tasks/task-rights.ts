import type { Caller } from '../auth/caller.ts';
import { plannerAccess } from '../domain/permissions.ts';
import type { TaskAccess } from '../domain/task-access.ts';
import type { Task } from '../domain/task.ts';
import type { Store } from '../store/store.ts';

/**
 * How the caller reaches each of the tasks: the owner and holders of taskplanner.admin (the
 * operator at the command line among them) reach everything; anyone else what they were
 * granted, directly or through a group. A task they reach not at all is left out.
 */
export async function accessToEach(
  store: Store,
  caller: Caller,
  tasks: readonly Pick<Task, 'id' | 'ownerId'>[],
): Promise<Map<string, TaskAccess>> {
  const user = caller.user;
  const admin = user === null || plannerAccess(caller.permissions).admin;
  const access = new Map<string, TaskAccess>();
  const others: string[] = [];
  for (const task of tasks) {
    if (task.ownerId === user?.id) access.set(task.id, 'owner');
    else if (admin) access.set(task.id, 'admin');
    else others.push(task.id);
  }
  if (user && others.length > 0) {
    for (const [taskId, level] of await store.grants.levelsOf(user.id, others)) {
      access.set(taskId, level);
    }
  }
  return access;
}

/** How the caller reaches the task, or null when not at all. */
export async function accessTo(
  store: Store,
  caller: Caller,
  task: Pick<Task, 'id' | 'ownerId'>,
): Promise<TaskAccess | null> {
  return (await accessToEach(store, caller, [task])).get(task.id) ?? null;
}
