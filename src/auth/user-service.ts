import { randomUUID } from 'node:crypto';
import { auditEvent } from '../domain/audit.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { PERMISSIONS, type PermissionCatalog } from '../domain/permissions.ts';
import type { User } from '../domain/user.ts';
import {
  UserCreateInput,
  UserUpdateInput,
  type PasswordChangeInput,
} from '../domain/user-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import type { Page, Store, UserChanges } from '../store/store.ts';
import { requirePermission, type Caller } from './caller.ts';
import { hashPassword, verifyPassword } from './password.ts';

const validateCreate = compileValidator(UserCreateInput);
const validateUpdate = compileValidator(UserUpdateInput);

/** Managing users: creating, changing, disabling and deleting them, with an audit trail. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly catalog: PermissionCatalog,
    private readonly now: () => Date,
  ) {}

  async create(caller: Caller, raw: unknown): Promise<User> {
    requirePermission(caller, PERMISSIONS.usersManage);
    const input = validateCreate(raw);
    const permissions = input.permissions ?? [PERMISSIONS.planner];
    this.catalog.requireKnown(permissions, '/permissions');
    const now = this.now();
    const user = {
      id: randomUUID(),
      login: input.login,
      displayName: input.displayName ?? input.login,
      email: input.email ?? null,
      disabled: false,
      permissions: [...new Set(permissions)].sort(),
      groupIds: [],
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (store) => {
      if (!(await store.users.insert(user))) {
        throw new AppError('LOGIN_TAKEN', `The login '${input.login}' is already taken`);
      }
      const details = { login: user.login, permissions: user.permissions };
      await store.audit.append(
        auditEvent(caller.actor, 'user.create', 'user', user.id, details),
        now,
      );
    });
    const { passwordHash: _secret, ...created } = user;
    return created;
  }

  async list(
    caller: Caller,
    query: { q?: string; limit: number; cursor?: string },
  ): Promise<Page<User>> {
    requirePermission(caller, PERMISSIONS.usersManage);
    return this.store.users.list(query);
  }

  /** A user; callers without users.manage may only see themselves. */
  async get(caller: Caller, id: string): Promise<User> {
    if (caller.user?.id !== id) requirePermission(caller, PERMISSIONS.usersManage);
    const user = await this.store.users.get(id);
    if (!user) throw notFound('User');
    return user;
  }

  async update(caller: Caller, id: string, raw: unknown): Promise<User> {
    requirePermission(caller, PERMISSIONS.usersManage);
    const input = validateUpdate(raw);
    if (input.permissions) this.catalog.requireKnown(input.permissions, '/permissions');
    if (input.disabled === true && caller.user?.id === id) {
      throw new AppError('FORBIDDEN', 'You cannot disable your own account');
    }
    const now = this.now();
    const changes = await this.#changesOf(input, now);
    await this.store.transaction(async (store) => {
      const before = await store.users.get(id);
      if (!before) throw notFound('User');
      await store.users.update(id, changes);
      if (input.permissions) await store.users.setPermissions(id, input.permissions);
      if (input.disabled === true || input.password !== undefined)
        await store.sessions.deleteForUser(id);
      const details = describeUserChange(before, input);
      await store.audit.append(auditEvent(caller.actor, 'user.update', 'user', id, details), now);
    });
    return this.get(caller, id);
  }

  async #changesOf(input: UserUpdateInput, now: Date): Promise<UserChanges> {
    const changes: UserChanges = { updatedAt: now };
    if (input.login !== undefined) changes.login = input.login;
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.email !== undefined) changes.email = input.email;
    if (input.disabled !== undefined) changes.disabled = input.disabled;
    if (input.password !== undefined) changes.passwordHash = await hashPassword(input.password);
    return changes;
  }

  /** Deletes a user who owns no tasks (transfer or delete them first). */
  async delete(caller: Caller, id: string): Promise<void> {
    requirePermission(caller, PERMISSIONS.usersManage);
    if (caller.user?.id === id)
      throw new AppError('FORBIDDEN', 'You cannot delete your own account');
    await this.store.transaction(async (store) => {
      const user = await store.users.get(id);
      if (!user) throw notFound('User');
      const owned = await store.tasks.countByOwner(id);
      if (owned > 0) {
        throw new AppError(
          'USER_OWNS_TASKS',
          `${user.login} owns ${owned} task(s); transfer or delete them first`,
        );
      }
      await store.users.delete(id);
      await store.audit.append(
        auditEvent(caller.actor, 'user.delete', 'user', id, { login: user.login }),
        this.now(),
      );
    });
  }

  /** A user changes their own password, proving they know the current one. */
  async changeOwnPassword(caller: Caller, input: PasswordChangeInput): Promise<void> {
    const login = caller.user?.login;
    const current =
      login === undefined ? undefined : await this.store.users.getWithSecretByLogin(login);
    if (
      !current?.passwordHash ||
      !(await verifyPassword(input.currentPassword, current.passwordHash))
    ) {
      throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
    }
    await this.update({ ...caller, permissions: new Set([PERMISSIONS.usersManage]) }, current.id, {
      password: input.newPassword,
    });
  }
}

/** What an update changed, for the audit log; never the password itself. */
function describeUserChange(before: User, input: UserUpdateInput): Record<string, unknown> {
  const { password, permissions, ...fields } = input;
  const details: Record<string, unknown> = { login: before.login, ...fields };
  if (password !== undefined) details.passwordChanged = true;
  if (permissions !== undefined)
    details.permissions = { before: before.permissions, after: [...new Set(permissions)].sort() };
  return details;
}
