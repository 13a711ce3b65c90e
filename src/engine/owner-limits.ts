import { PERMISSIONS } from '../domain/permissions.ts';
import { limitsOf, type UserLimits } from '../domain/settings.ts';
import type { Store } from '../store/store.ts';

/** The limits an administrator set, over the defaults. */
export async function serverLimits(store: Store): Promise<UserLimits> {
  return limitsOf(await store.settings.get('limits'));
}

/**
 * The server's limits as they bind one owner. Holders of taskplanner.admin manage every task
 * anyway, so tasks, intervals and runs do not bind them; the disk binds everyone.
 */
export async function limitsFor(store: Store, ownerId: string): Promise<UserLimits> {
  const limits = await serverLimits(store);
  const { tasksPerUser, minimumIntervalSeconds, runsPerMinutePerUser } = limits;
  if (tasksPerUser === null && minimumIntervalSeconds === null && runsPerMinutePerUser === null) {
    return limits;
  }
  const permissions = await store.users.effectivePermissions(ownerId);
  if (!permissions.has(PERMISSIONS.plannerAdmin)) return limits;
  return {
    ...limits,
    tasksPerUser: null,
    minimumIntervalSeconds: null,
    runsPerMinutePerUser: null,
  };
}
