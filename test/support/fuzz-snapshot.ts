import { operatorCaller } from '../../src/auth/caller.ts';
import type { Services } from '../../src/services.ts';
import type { MatrixIds } from './matrix-decisions.ts';

/** Audit actions a request may add without changing anything (logging in and out). */
const SESSION_ACTIONS = new Set(['user.login', 'user.logout']);

/**
 * What the store holds, in the terms a request could change, read cheaply enough to take
 * after every request: how many users and tasks there are, the newest run and audit event
 * (not counting logins), every group, token, data source and setting, and the fixtures as
 * they are now (a failed request must not have half-changed them).
 */
export async function storeSnapshot(
  services: Services,
  adminId: string,
  ids: MatrixIds,
): Promise<string> {
  const { store } = services;
  const operator = operatorCaller(services.catalog.list().map((permission) => permission.name));
  const parts = await Promise.all([
    store.users.count(),
    store.users.get(adminId),
    store.users.get(ids.user),
    store.groups.list(),
    store.tasks.countByOwner(adminId),
    store.tasks.countByOwner(ids.user),
    store.tasks.get(ids.task).then((task) => [task?.revision, task?.enabled, task?.ownerId]),
    store.runs.list({ scope: { kind: 'everyone' }, limit: 1 }).then((page) => page.items[0]?.id),
    store.runs.get(ids.run).then((run) => run?.status),
    store.apiTokens.listForUser(adminId).then((tokens) => tokens.map((token) => token.id)),
    store.dataSources.list(),
    services.settings.get(operator),
    services.ldap.get(operator),
    store.audit
      .list({ limit: 10 })
      .then((page) => page.items.find((event) => !SESSION_ACTIONS.has(event.action))?.id),
  ]);
  return JSON.stringify(parts);
}
