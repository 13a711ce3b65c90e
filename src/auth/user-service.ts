import { randomUUID } from 'node:crypto';
import { auditEvent, type Actor } from '../domain/audit.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { PERMISSIONS, type PermissionCatalog } from '../domain/permissions.ts';
import { LOCAL_ACCOUNT, type User } from '../domain/user.ts';
import {
  UserCreateInput,
  UserUpdateInput,
  type PasswordChangeInput,
} from '../domain/user-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import type { Page, Store, UserChanges } from '../store/store.ts';
import { requirePermission, type Caller } from './caller.ts';
import type { CredentialChecker } from './credentials.ts';
import { requireHoldsAll, requireUserWithin } from './grant-limits.ts';
import { requireJoinableGroups } from './group-service.ts';
import type { TaskDisposal, TaskDisposer } from '../tasks/task-disposal.ts';
import { hashPassword } from './password.ts';
import { requireAcceptablePassword } from './password-policy.ts';
import { counted } from '../domain/counted.ts';

const validateCreate = compileValidator(UserCreateInput);
const validateUpdate = compileValidator(UserUpdateInput);

/** Managing users: creating, changing, disabling and deleting them, with an audit trail. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly catalog: PermissionCatalog,
    private readonly credentials: CredentialChecker,
    private readonly now: () => Date,
    private readonly disposer: TaskDisposer,
  ) {}

  async create(caller: Caller, raw: unknown): Promise<User> {
    requirePermission(caller, PERMISSIONS.usersManage);
    const input = validateCreate(raw);
    // Without permissions or groups a user may use the planner; a role gives what it holds.
    const requested = input.permissions ?? (input.groupIds?.length ? [] : [PERMISSIONS.planner]);
    this.catalog.requireKnown(requested, '/permissions');
    const permissions = [...new Set(requested)].sort();
    requireHoldsAll(caller, permissions);
    const groupIds = [...new Set(input.groupIds ?? [])];
    await requireAcceptablePassword(input.password, input.login, '/password');
    const now = this.now();
    const user = {
      id: randomUUID(),
      login: input.login,
      displayName: input.displayName ?? input.login,
      email: input.email ?? null,
      disabled: false,
      mustChangePassword: input.mustChangePassword ?? false,
      ...LOCAL_ACCOUNT,
      permissions,
      groupIds,
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction(async (store) => {
      await requireJoinableGroups(store, caller, groupIds);
      if (!(await store.users.insert(user))) {
        throw new AppError('LOGIN_TAKEN', `The login '${input.login}' is already taken`);
      }
      const details = { login: user.login, permissions, groupIds };
      await store.audit.append(
        auditEvent(caller.actor, now, 'user.create', 'user', user.id, details),
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
    if (input.permissions) {
      this.catalog.requireKnown(input.permissions, '/permissions');
      requireHoldsAll(caller, input.permissions);
    }
    if (input.disabled === true && caller.user?.id === id) {
      throw new AppError('FORBIDDEN', 'You cannot disable your own account');
    }
    await this.#apply(caller.actor, id, input, async (store, target) => {
      if (input.password !== undefined || input.mustChangePassword === true) {
        requireLocalPassword(target);
      }
      if (input.login !== undefined && input.login !== target.login) requireLocalLogin(target);
      await requireUserWithin(store, caller, target);
    });
    return this.get(caller, id);
  }

  /** Grants and revokes permissions in one step, leaving the user's others as they are. */
  async changePermissions(
    caller: Caller,
    id: string,
    change: { grant: string[]; revoke: string[] },
  ): Promise<User> {
    requirePermission(caller, PERMISSIONS.usersManage);
    this.catalog.requireKnown(change.grant, '/grant');
    requireHoldsAll(caller, [...change.grant, ...change.revoke]);
    await this.store.transaction(async (store) => {
      const target = await store.users.get(id);
      if (!target) throw notFound('User');
      const held = new Set(target.permissions);
      for (const permission of change.grant) held.add(permission);
      for (const permission of change.revoke) held.delete(permission);
      const check = (inner: Store, current: User) => requireUserWithin(inner, caller, current);
      await this.withStore(store).#apply(caller.actor, id, { permissions: [...held] }, check);
    });
    return this.get(caller, id);
  }

  /** A user changes their own password, proving (throttled) they know the current one. */
  async changeOwnPassword(caller: Caller, input: PasswordChangeInput): Promise<void> {
    if (!caller.user) throw new AppError('FORBIDDEN', 'Only a user has a password');
    requireLocalPassword(caller.user);
    await requireAcceptablePassword(input.newPassword, caller.user.login, '/newPassword');
    const user = await this.credentials.verify(
      caller.user.login,
      input.currentPassword,
      caller.actor.address,
    );
    const own = async () => {};
    const change = { password: input.newPassword, mustChangePassword: false };
    await this.#apply(caller.actor, user.id, change, own);
  }

  /**
   * Deletes a user. Tasks they own are deleted or transferred as the disposal says; without
   * one, a user who owns tasks is not deleted (USER_OWNS_TASKS).
   */
  async delete(caller: Caller, id: string, disposal?: TaskDisposal): Promise<void> {
    requirePermission(caller, PERMISSIONS.usersManage);
    if (caller.user?.id === id)
      throw new AppError('FORBIDDEN', 'You cannot delete your own account');
    await this.store.transaction(async (store) => {
      // Locking the user first keeps a task from being given to them while they are deleted.
      const user = (await store.users.lock(id)) ? await store.users.get(id) : undefined;
      if (!user) throw notFound('User');
      await requireUserWithin(store, caller, user);
      const disposed = disposal ? await this.disposer.dispose(store, caller, id, disposal) : 0;
      const owned = await store.tasks.countByOwner(id);
      if (owned > 0) {
        throw new AppError(
          'USER_OWNS_TASKS',
          `${user.login} owns ${counted(owned, 'task')}: give them to another user or delete them with the user (tasks=transfer&to=<user id>, or tasks=delete)`,
        );
      }
      await store.users.delete(id);
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'user.delete', 'user', id, {
          login: user.login,
          ...(disposal ? { tasks: disposal.tasks, taskCount: disposed } : {}),
          ...(disposal?.tasks === 'transfer' ? { tasksTo: disposal.to } : {}),
        }),
      );
    });
  }

  withStore(store: Store): UserService {
    return new UserService(store, this.catalog, this.credentials, this.now, this.disposer);
  }

  /** Writes a validated change and its audit event in one transaction. */
  async #apply(
    actor: Actor,
    id: string,
    input: UserUpdateInput,
    check: (store: Store, target: User) => Promise<void>,
  ): Promise<void> {
    const now = this.now();
    const changes = await changesOf(input, now);
    await this.store.transaction(async (store) => {
      const before = await store.users.get(id);
      if (!before) throw notFound('User');
      await check(store, before);
      // Against the login the user has after this change: a reset may rename them too.
      if (input.password !== undefined)
        await requireAcceptablePassword(input.password, input.login ?? before.login, '/password');
      await store.users.update(id, changes);
      if (input.permissions) await store.users.setPermissions(id, input.permissions);
      if (input.disabled === true || input.password !== undefined)
        await store.sessions.deleteForUser(id);
      // A reset means the account may be in the wrong hands: its tokens go with the password.
      const isReset = input.password !== undefined && actor.userId !== id;
      const tokensRevoked = isReset ? await store.apiTokens.deleteForUser(id) : 0;
      const details = describeUserChange(before, input);
      if (tokensRevoked > 0) details.tokensRevoked = tokensRevoked;
      await store.audit.append(auditEvent(actor, now, 'user.update', 'user', id, details));
    });
  }
}

async function changesOf(input: UserUpdateInput, now: Date): Promise<UserChanges> {
  const changes: UserChanges = { updatedAt: now };
  if (input.login !== undefined) changes.login = input.login;
  if (input.displayName !== undefined) changes.displayName = input.displayName;
  if (input.email !== undefined) changes.email = input.email;
  if (input.disabled !== undefined) changes.disabled = input.disabled;
  if (input.mustChangePassword !== undefined) changes.mustChangePassword = input.mustChangePassword;
  if (input.password !== undefined) changes.passwordHash = await hashPassword(input.password);
  return changes;
}

/** What an update changed, for the audit log; never the password itself. */
function describeUserChange(before: User, input: UserUpdateInput): Record<string, unknown> {
  const { password, permissions, ...fields } = input;
  const details: Record<string, unknown> = { login: before.login, ...fields };
  if (password !== undefined) details.passwordChanged = true;
  if (permissions !== undefined) {
    details.permissions = { before: before.permissions, after: [...new Set(permissions)].sort() };
  }
  return details;
}

/** Only a local account has a password here: an outside source's is neither set nor reset. */
function requireLocalPassword(user: User): void {
  if (user.source === 'local') return;
  const where =
    user.source === 'ldap'
      ? 'is kept in the LDAP directory: change it there'
      : 'does not exist: they sign in with the OpenID provider';
  throw new AppError('PASSWORD_IN_DIRECTORY', `The password of '${user.login}' ${where}`);
}

/**
 * An outside account's login is its source's: renamed here, the next directory login under the
 * old name would reach someone else's account (logins find directory accounts).
 */
function requireLocalLogin(user: User): void {
  if (user.source === 'local') return;
  const source = user.source === 'ldap' ? 'the LDAP directory' : 'the OpenID provider';
  throw new AppError(
    'LOGIN_IN_DIRECTORY',
    `The login of '${user.login}' comes from ${source}: change it there`,
  );
}
