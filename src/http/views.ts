import { PERMISSIONS, plannerAccess } from '../domain/permissions.ts';
import type { ApiToken, Group, User } from '../domain/user.ts';
import type { Task } from '../domain/task.ts';
import type { TaskAccess } from '../domain/task-access.ts';
import type { TaskRunStatus } from '../runs/run-service.ts';
import { lastRunView } from './run-views.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { HookService } from '../runs/hook-service.ts';
import { definitionOf, definitionToInput } from '../tasks/task-definition.ts';
import { describeTriggers } from '../tasks/describe-triggers.ts';
import { maskTaskSecrets } from '../tasks/task-secrets.ts';

/** A task as the API shows it, with its latest run and next fire time. */
export function taskView(
  task: Task,
  status: TaskRunStatus | undefined,
  access: TaskAccess,
  services: { registry: ComponentRegistry; hooks: HookService },
) {
  const { registry } = services;
  return {
    id: task.id,
    ownerId: task.ownerId,
    ownerLogin: task.ownerLogin,
    ownerName: task.ownerName,
    access,
    ...definitionToInput(maskTaskSecrets(definitionOf(task), registry)),
    hidden: task.hidden,
    lastRun: lastRunView(status?.lastRun ?? null),
    nextRunAt: status?.nextRunAt?.toISOString() ?? null,
    // A hook's URL starts the task with any parameters: only for those who shape it as the owner.
    hooks: access === 'owner' || access === 'admin' ? services.hooks.pathsOf(task) : [],
    startsWhen: describeTriggers(task, registry),
    revision: task.revision,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

/** A user as the API shows it. */
export function userView(user: User) {
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    email: user.email,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
    source: user.source,
    permissions: user.permissions,
    groupIds: user.groupIds,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** An API token as the API shows it: never the secret. */
export function tokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}

/** The /me answer for a user. */
export function meView(
  user: User,
  permissions: ReadonlySet<string>,
  via: string,
  csrfToken: string | null,
) {
  const planner = plannerAccess(permissions);
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    email: user.email,
    mustChangePassword: user.mustChangePassword,
    source: user.source,
    permissions: [...permissions].sort(),
    can: {
      usePlanner: planner.use,
      administerTasks: planner.admin,
      manageUsers: permissions.has(PERMISSIONS.usersManage),
      manageSettings: permissions.has(PERMISSIONS.settingsManage),
      manageMail: permissions.has(PERMISSIONS.mailManage),
    },
    authenticatedBy: via,
    csrfToken,
  };
}

/**
 * GET /me: the /me answer, and where its permissions come from: granted to the user directly,
 * or through which of their groups (roles among them).
 */
export function accountView(me: ReturnType<typeof meView>, user: User, groups: readonly Group[]) {
  return {
    ...me,
    directPermissions: [...user.permissions].sort(),
    groups: groups
      .filter((group) => user.groupIds.includes(group.id))
      .map((group) => ({
        id: group.id,
        name: group.name,
        role: group.role,
        permissions: [...group.permissions].sort(),
      }))
      .sort((a, b) => Number(b.role) - Number(a.role) || a.name.localeCompare(b.name)),
  };
}
