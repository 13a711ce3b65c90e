import { randomUUID } from 'node:crypto';
import type { PermissionCatalog } from '../domain/permissions.ts';
import { ADMINISTRATORS_ROLE, SHIPPED_ROLES } from '../domain/roles.ts';
import type { TaskGrant } from '../domain/task-access.ts';
import type { Store } from '../store/store.ts';
import { ADMIN_LOGIN } from './bootstrap-admin.ts';

/** The setting that records that the roles were made, so a deleted one stays deleted. */
const SEEDED = 'rolesSeeded';

/**
 * Once per server (on its first start, or the first after an upgrade), makes the shipped roles
 * as groups, puts the admin user into Administrators and, unless an administrator chose the
 * rights of new tasks already, lets the Administrators group manage every new task. A role
 * whose name a group has already is left as that group is. Returns the roles made.
 */
export async function seedRoles(
  store: Store,
  catalog: PermissionCatalog,
  now: Date,
): Promise<string[]> {
  return store.transaction(async (tx) => {
    if ((await tx.settings.get(SEEDED)) === true) return [];
    const known = catalog.list().map((permission) => permission.name);
    const admin = await tx.users.getWithSecretByLogin(ADMIN_LOGIN);
    const made: string[] = [];
    for (const role of SHIPPED_ROLES) {
      const id = randomUUID();
      const administrators = role.name === ADMINISTRATORS_ROLE;
      const group = {
        id,
        name: role.name,
        description: role.description,
        role: true,
        permissions: [...new Set(role.permissions(known))].sort(),
        memberIds: administrators && admin ? [admin.id] : [],
        usableInSeries: false,
      };
      if (!(await tx.groups.insert(group, now))) continue;
      made.push(role.name);
      if (administrators && (await tx.settings.get('newTaskGrants')) === undefined) {
        const grants: TaskGrant[] = [{ subject: { type: 'group', id }, level: 'manage' }];
        await tx.settings.set('newTaskGrants', grants, now);
      }
    }
    await tx.settings.set(SEEDED, true, now);
    return made;
  });
}
