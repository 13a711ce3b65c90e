import { DEFAULT_DENIED_NETWORKS } from './network-policy.ts';
import { NO_NOTICES, type RunNotices } from './run-notices.ts';
import type { TaskGrant } from './task-access.ts';

/** The SMTP server mail is sent through. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS, which a login requires unless allowed plain. */
  secure: boolean;
  user: string;
  password: string;
  /** The sender address, e.g. "Task Planner <planner@example.com>". */
  from: string;
  /**
   * The login may go unencrypted when the server offers no STARTTLS; an administrator's choice
   * for this server only (absent: not allowed).
   */
  allowPlaintext?: boolean;
}

/**
 * What one user may put on the server; each null means no limit. They bind the task's owner,
 * whoever edits the task.
 */
export interface UserLimits {
  /** Tasks one user may own. */
  tasksPerUser: number | null;
  /** The shortest time between two fires of one scheduled trigger, checked when it is saved. */
  minimumIntervalSeconds: number | null;
  /** Runs one user's tasks may be started in 60 s other than by their schedules. */
  runsPerMinutePerUser: number | null;
  /** The bytes of run files kept for download, over all of one user's runs. */
  artifactBytesPerUser: number | null;
}

/** One GiB. */
const GIB = 1024 ** 3;

/**
 * The limits of a new server, for a team: far above what a person clicks or a usual schedule
 * needs, low enough that one account cannot flood the server.
 */
export const DEFAULT_LIMITS: Readonly<UserLimits> = {
  tasksPerUser: 1000,
  minimumIntervalSeconds: 60,
  runsPerMinutePerUser: 600,
  artifactBytesPerUser: GIB,
};

/** The stored limits over the defaults: a limit never set has its default. */
export function limitsOf(stored: unknown): UserLimits {
  const given = (
    typeof stored === 'object' && stored !== null ? stored : {}
  ) as Partial<UserLimits>;
  return { ...DEFAULT_LIMITS, ...given };
}

/** Server-wide settings an administrator makes. */
export interface ServerSettings {
  /** The default SMTP server; null until an administrator sets one. */
  smtp: SmtpSettings | null;
  /** Absolute folders that tasks may read, write and watch (with everything below them). */
  folderRoots: string[];
  /** Networks tasks may reach even when a denied network holds them (address/prefix). */
  allowedNetworks: string[];
  /** Networks tasks may not reach (address/prefix); the server's own addresses are denied too. */
  deniedNetworks: string[];
  /** Whether tasks' own SMTP servers may take a login unencrypted (no STARTTLS offered). */
  allowPlaintextSmtp: boolean;
  /** How long the outbox tries to deliver a message before it gives up (1 to 168 hours). */
  mailRetryHours: number;
  /** What one user may put on the server. */
  limits: UserLimits;
  /** The rights list every new task starts with (its owner may change it). */
  newTaskGrants: TaskGrant[];
  /** The failure notices of tasks that have none of their own. */
  notices: RunNotices;
  /** The server's address as people reach it (links in notices, {run.url}); null: unknown. */
  publicUrl: string | null;
}

/** The settings of a server nobody has configured yet. */
export const DEFAULT_SETTINGS: Readonly<ServerSettings> = {
  smtp: null,
  folderRoots: [],
  allowedNetworks: [],
  deniedNetworks: [...DEFAULT_DENIED_NETWORKS],
  allowPlaintextSmtp: false,
  mailRetryHours: 24,
  limits: { ...DEFAULT_LIMITS },
  newTaskGrants: [],
  notices: { ...NO_NOTICES },
  publicUrl: null,
};

/** The kinds of database a data source can be. */
export type DataSourceKind = 'sqlite' | 'postgres' | 'mysql';

/** A database an administrator makes available to tasks by name. */
export interface DataSource {
  id: string;
  /** Unique; what tasks refer to. */
  name: string;
  kind: DataSourceKind;
  /** sqlite: the file; postgres/mysql: a connection URL (its password in `password`). */
  location: string;
  password: string;
  /** Who may query it: everyone with the planner, or only these users and groups. */
  access: { everyone: boolean; userIds: string[]; groupIds: string[] };
  createdAt: Date;
  updatedAt: Date;
}
