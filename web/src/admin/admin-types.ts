import type { RunNotices } from '../types.ts';

/** A user as GET /users returns it. */
export interface User {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  disabled: boolean;
  /** Someone else chose the password: the user changes it at their next login. */
  mustChangePassword: boolean;
  /** local: the password is kept here; ldap: the LDAP directory checks it and keeps the account. */
  source: 'local' | 'ldap' | 'oidc';
  /** Granted directly, not through groups. */
  permissions: string[];
  groupIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** A group whose members share its permissions. */
export interface Group {
  id: string;
  name: string;
  permissions: string[];
  memberIds: string[];
  usableInSeries: boolean;
  /** A role: offered by name, first, when a user is made. */
  role: boolean;
  /** What the group is for, in words. */
  description: string;
}

/** A permission a user or group can be granted. */
export interface Permission {
  name: string;
  description: string;
}

/** The default SMTP server; its password comes back masked. */
export interface Smtp {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password?: string;
  from: string;
  /** The login may go unencrypted when the server offers no STARTTLS. */
  allowPlaintext?: boolean;
}

/** What one user may put on the server; null: no limit. */
export interface Limits {
  tasksPerUser: number | null;
  minimumIntervalSeconds: number | null;
  runsPerMinutePerUser: number | null;
  artifactBytesPerUser: number | null;
}

/** Server-wide settings (GET /settings). */
export interface Settings {
  smtp: Smtp | null;
  folderRoots: string[];
  /** Networks tasks may reach even when a denied network holds them. */
  allowedNetworks: string[];
  /** Networks tasks may not reach (the server's own addresses are denied as well). */
  deniedNetworks: string[];
  /** Tasks' own SMTP servers may take a login unencrypted (no STARTTLS offered). */
  allowPlaintextSmtp: boolean;
  limits: Limits;
  /** The failure notices of tasks without their own (no event: none). */
  notices: RunNotices;
  /** The server's address as people reach it: links in notices and {run.url} start with it. */
  publicUrl: string | null;
}

export type DataSourceKind = 'sqlite' | 'postgres' | 'mysql';

/** A database tasks may query (GET /data-sources, as an administrator sees it). */
export interface DataSource {
  id: string;
  name: string;
  kind: DataSourceKind;
  location: string;
  password: string;
  access: { everyone: boolean; userIds: string[]; groupIds: string[] };
  updatedAt: string;
}
