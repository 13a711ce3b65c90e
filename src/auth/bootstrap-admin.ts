import { LOCAL_ACCOUNT } from '../domain/user.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError } from '../config.ts';
import type { PermissionCatalog } from '../domain/permissions.ts';
import type { Store } from '../store/store.ts';
import { hashPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';

/** The login of the first user. */
export const ADMIN_LOGIN = 'admin';

/** What happened at bootstrap: the generated password is set only when one was generated. */
export interface BootstrapResult {
  created: boolean;
  generatedPassword: string | null;
}

/**
 * On an empty store, creates the admin user with every known permission. When two
 * servers start at once only one insert wins; the other reports that it created nothing.
 * A configured password the password policy refuses stops the start with a ConfigError:
 * the server must not come up with an admin account anyone could guess. It is checked only
 * when it is used, so a weak value left set after the first start does not block later ones.
 */
export async function bootstrapAdmin(
  store: Store,
  catalog: PermissionCatalog,
  configuredPassword: string | null,
  now: Date,
): Promise<BootstrapResult> {
  if ((await store.users.count()) > 0) return { created: false, generatedPassword: null };
  if (configuredPassword !== null) await requireUsable(configuredPassword);
  const password = configuredPassword ?? randomBytes(12).toString('base64url');
  const created = await store.users.insert({
    id: randomUUID(),
    login: ADMIN_LOGIN,
    displayName: 'Administrator',
    email: null,
    disabled: false,
    // A password shown once on the console is changed at the first login.
    mustChangePassword: configuredPassword === null,
    ...LOCAL_ACCOUNT,
    permissions: catalog.list().map((permission) => permission.name),
    groupIds: [],
    passwordHash: await hashPassword(password),
    createdAt: now,
    updatedAt: now,
  });
  return { created, generatedPassword: created && configuredPassword === null ? password : null };
}

async function requireUsable(password: string): Promise<void> {
  const problem = await passwordProblem(password, ADMIN_LOGIN);
  if (problem !== null) {
    throw ConfigError.unusable(
      'TASKPLANNER_ADMIN_PASSWORD',
      `${problem} (it becomes the password of the user '${ADMIN_LOGIN}')`,
    );
  }
}
