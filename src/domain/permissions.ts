import { validationError } from './errors.ts';

/** Core permissions; plugins declare their own in the permission catalog. */
export const PERMISSIONS = {
  planner: 'taskplanner',
  plannerAdmin: 'taskplanner.admin',
  usersManage: 'users.manage',
  auditRead: 'audit.read',
  settingsManage: 'settings.manage',
  mailManage: 'mail.manage',
} as const;

/** A permission a user or group can hold, with a description for the UI. */
export interface PermissionDefinition {
  name: string;
  description: string;
}

const CORE_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: PERMISSIONS.planner, description: 'May use the task planner' },
  { name: PERMISSIONS.plannerAdmin, description: 'Administrative access to all tasks' },
  { name: PERMISSIONS.usersManage, description: 'May manage users, groups and their permissions' },
  { name: PERMISSIONS.auditRead, description: 'May read the audit log' },
  {
    name: PERMISSIONS.settingsManage,
    description:
      'May change server-wide settings: SMTP server, allowed folders and networks, data sources, limits per user',
  },
  {
    name: PERMISSIONS.mailManage,
    description:
      "May see the outbox (every task's mail: senders, recipients, subjects, delivery errors) and retry or cancel messages",
  },
];

/** The permissions this server knows about: the core ones plus those plugins declare. */
export class PermissionCatalog {
  readonly #known = new Map<string, PermissionDefinition>();

  constructor(extra: readonly PermissionDefinition[] = []) {
    for (const definition of [...CORE_PERMISSIONS, ...extra]) this.declare(definition);
  }

  declare(definition: PermissionDefinition): void {
    this.#known.set(definition.name, definition);
  }

  has(name: string): boolean {
    return this.#known.has(name);
  }

  /** Throws VALIDATION_FAILED naming every unknown permission at path/index. */
  requireKnown(names: readonly string[], path: string): void {
    const issues = names.flatMap((name, index) =>
      this.has(name) ? [] : [{ path: `${path}/${index}`, message: `unknown permission '${name}'` }],
    );
    if (issues.length > 0) throw validationError(issues);
  }

  list(): PermissionDefinition[] {
    return [...this.#known.values()];
  }
}

/** What a set of held permissions allows in the planner. */
export function plannerAccess(held: ReadonlySet<string>): { use: boolean; admin: boolean } {
  const admin = held.has(PERMISSIONS.plannerAdmin);
  return { use: admin || held.has(PERMISSIONS.planner), admin };
}
