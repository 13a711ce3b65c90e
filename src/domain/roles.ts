import { PERMISSIONS } from './permissions.ts';

/** A role that ships with the server: a group of that name, made on the first start. */
export interface ShippedRole {
  name: string;
  description: string;
  /** Its permissions, chosen from all the server knows. */
  permissions: (known: readonly string[]) => string[];
}

const CORE = new Set<string>(Object.values(PERMISSIONS));

/** What runs programs on the server or watches its folders: more than building reports. */
const SERVER_REACHING = new Set(['job.command', 'trigger.files']);

/** Every component permission (those plugins declare) but the server-reaching ones. */
function plannerPermissions(known: readonly string[]): string[] {
  const components = known.filter((name) => !CORE.has(name) && !SERVER_REACHING.has(name));
  return [PERMISSIONS.planner, ...components];
}

/** The roles a new server starts with; administrators may change or delete them. */
export const SHIPPED_ROLES: readonly ShippedRole[] = [
  {
    name: 'Planners',
    description:
      'Build and run their own tasks with the common triggers, jobs and actions: schedules, HTTP, reports from data sources, mail, files, uploads, webhooks. Not programs on the server or folder watching.',
    permissions: plannerPermissions,
  },
  {
    name: 'Operators',
    description:
      'Everything planners may, plus running programs on the server, starting tasks when files change, and reading the audit log.',
    permissions: (known) => [
      ...plannerPermissions(known),
      ...known.filter((name) => SERVER_REACHING.has(name)),
      PERMISSIONS.auditRead,
    ],
  },
  {
    name: 'Administrators',
    description:
      "Every permission: everyone's tasks, users and groups, server settings, the outbox, the audit log.",
    permissions: (known) => [...known],
  },
];

/** The role whose group manages every new task by default. */
export const ADMINISTRATORS_ROLE = 'Administrators';
