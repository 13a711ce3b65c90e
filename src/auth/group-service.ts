import { randomUUID } from 'node:crypto';
import { auditEvent } from '../domain/audit.ts';
import { mayQuery } from '../domain/data-source-access.ts';
import { AppError, notFound, validationError } from '../domain/errors.ts';
import { PERMISSIONS, type PermissionCatalog } from '../domain/permissions.ts';
import type { Group } from '../domain/user.ts';
import { GroupCreateInput, GroupUpdateInput } from '../domain/user-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import type { Store } from '../store/store.ts';
import { requirePermission, type Caller } from './caller.ts';
import { requireGroupGrantsWithin } from '../tasks/group-grant-limits.ts';
import { requireHoldsAll, requireUserWithin } from './grant-limits.ts';

const validateCreate = compileValidator(GroupCreateInput);
const validateUpdate = compileValidator(GroupUpdateInput);

/** Groups of users that share permissions, managed by holders of users.manage. */
export class GroupService {
  constructor(
    private readonly store: Store,
    private readonly catalog: PermissionCatalog,
    private readonly now: () => Date,
  ) {}

  async list(caller: Caller): Promise<Group[]> {
    requirePermission(caller, PERMISSIONS.usersManage);
    return this.store.groups.list();
  }

  async get(caller: Caller, id: string): Promise<Group> {
    requirePermission(caller, PERMISSIONS.usersManage);
    const group = await this.store.groups.get(id);
    if (!group) throw notFound('Group');
    return group;
  }

  async create(caller: Caller, raw: unknown): Promise<Group> {
    requirePermission(caller, PERMISSIONS.usersManage);
    const input = validateCreate(raw);
    const group: Group = {
      id: randomUUID(),
      name: input.name.trim(),
      permissions: [...new Set(input.permissions ?? [])].sort(),
      memberIds: [...new Set(input.memberIds ?? [])],
      usableInSeries: input.usableInSeries ?? false,
      role: input.role ?? false,
      description: input.description?.trim() ?? '',
    };
    this.catalog.requireKnown(group.permissions, '/permissions');
    requireHoldsAll(caller, group.permissions);
    const now = this.now();
    await this.store.transaction(async (store) => {
      await requireUsers(store, group.memberIds);
      await requireMembersWithin(store, caller, group.memberIds);
      if (!(await store.groups.insert(group, now))) {
        throw new AppError('NAME_TAKEN', `A group named '${group.name}' already exists`);
      }
      const details = {
        name: group.name,
        permissions: group.permissions,
        memberIds: group.memberIds,
        usableInSeries: group.usableInSeries,
        role: group.role,
      };
      await store.audit.append(
        auditEvent(caller.actor, now, 'group.create', 'group', group.id, details),
      );
    });
    return group;
  }

  async update(caller: Caller, id: string, raw: unknown): Promise<Group> {
    requirePermission(caller, PERMISSIONS.usersManage);
    const input = validateUpdate(raw);
    if (input.permissions) this.catalog.requireKnown(input.permissions, '/permissions');
    await this.store.transaction(async (store) => {
      const before = await store.groups.get(id);
      if (!before) throw notFound('Group');
      requireHoldsAll(caller, [...before.permissions, ...(input.permissions ?? [])]);
      if (input.memberIds) {
        await requireUsers(store, input.memberIds);
        await requireMembersWithin(
          store,
          caller,
          membersChanged(before.memberIds, input.memberIds),
        );
        const joining = input.memberIds.filter((userId) => !before.memberIds.includes(userId));
        if (joining.length > 0) {
          await requireDataSourcesWithin(store, caller, id);
          await requireGroupGrantsWithin(store, caller, id);
        }
      }
      if (input.name !== undefined) await store.groups.rename(id, input.name.trim());
      if (input.permissions) await store.groups.setPermissions(id, input.permissions);
      if (input.memberIds) await store.groups.setMembers(id, input.memberIds);
      if (input.usableInSeries !== undefined) {
        await store.groups.setUsableInSeries(id, input.usableInSeries);
      }
      if (input.role !== undefined || input.description !== undefined) {
        await store.groups.describe(id, {
          role: input.role ?? before.role,
          description: input.description?.trim() ?? before.description,
        });
      }
      const details = { name: before.name, ...describeGroupChange(before, input) };
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'group.update', 'group', id, details),
      );
    });
    return this.get(caller, id);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    requirePermission(caller, PERMISSIONS.usersManage);
    await this.store.transaction(async (store) => {
      const group = await store.groups.get(id);
      if (!group) throw notFound('Group');
      requireHoldsAll(caller, group.permissions);
      await requireMembersWithin(store, caller, group.memberIds);
      await store.groups.delete(id);
      const details = { name: group.name, permissions: group.permissions };
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'group.delete', 'group', id, details),
      );
    });
  }
}

/**
 * Throws unless every group exists (VALIDATION_FAILED at /groupIds/i) and the caller could add
 * a member to each: holding its permissions and able to query the data sources it opens.
 */
export async function requireJoinableGroups(
  store: Store,
  caller: Caller,
  groupIds: readonly string[],
): Promise<void> {
  const groups = new Map((await store.groups.list()).map((group) => [group.id, group]));
  const issues = groupIds.flatMap((groupId, index) =>
    groups.has(groupId) ? [] : [{ path: `/groupIds/${index}`, message: 'is not a group' }],
  );
  if (issues.length > 0) throw validationError(issues);
  for (const groupId of groupIds) {
    requireHoldsAll(caller, groups.get(groupId)?.permissions ?? []);
    await requireDataSourcesWithin(store, caller, groupId);
    await requireGroupGrantsWithin(store, caller, groupId);
  }
}

async function requireUsers(store: Store, userIds: readonly string[]): Promise<void> {
  const existing = await store.users.existingIds(userIds);
  const issues = userIds.flatMap((userId, index) =>
    existing.has(userId) ? [] : [{ path: `/memberIds/${index}`, message: 'is not a user' }],
  );
  if (issues.length > 0) throw validationError(issues);
}

/** The users who join or leave when a group's members become `after`. */
function membersChanged(before: readonly string[], after: readonly string[]): string[] {
  const kept = new Set(before.filter((id) => after.includes(id)));
  return [...new Set([...before, ...after])].filter((id) => !kept.has(id));
}

/** A manager adds or removes only members who hold nothing the manager lacks. */
async function requireMembersWithin(
  store: Store,
  caller: Caller,
  userIds: readonly string[],
): Promise<void> {
  for (const userId of new Set(userIds)) {
    const user = await store.users.get(userId);
    if (user) await requireUserWithin(store, caller, user);
  }
}

/**
 * A group can open data sources besides granting permissions: whoever adds members to it must
 * be able to query each of them themselves, or joining would be a way in. (A new group is
 * named in no data source yet.)
 */
async function requireDataSourcesWithin(
  store: Store,
  caller: Caller,
  groupId: string,
): Promise<void> {
  const querying = {
    id: caller.user?.id ?? '',
    groupIds: caller.user?.groupIds ?? [],
    permissions: caller.permissions,
  };
  const opened = (await store.dataSources.list()).filter(
    (source) => source.access.groupIds.includes(groupId) && !mayQuery(source, querying),
  );
  if (opened.length > 0) {
    const names = opened.map((source) => `'${source.name}'`).join(', ');
    throw new AppError(
      'FORBIDDEN',
      `Members of this group may query the data source ${names}, which you may not query yourself`,
    );
  }
}

/** What an update changed, for the audit log: permissions and members as before/after. */
function describeGroupChange(before: Group, input: GroupUpdateInput): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (input.name !== undefined) details.newName = input.name.trim();
  if (input.permissions) {
    details.permissions = {
      before: before.permissions,
      after: [...new Set(input.permissions)].sort(),
    };
  }
  if (input.memberIds)
    details.memberIds = { before: before.memberIds, after: [...new Set(input.memberIds)] };
  if (input.usableInSeries !== undefined) details.usableInSeries = input.usableInSeries;
  if (input.role !== undefined) details.role = input.role;
  if (input.description !== undefined) details.description = input.description.trim();
  return details;
}
