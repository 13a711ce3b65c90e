import { DEFAULT_DENIED_NETWORKS } from './network-policy.ts';

/** The SMTP server mail is sent through. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** The sender address, e.g. "Task Planner <planner@example.com>". */
  from: string;
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
}

/** The settings of a server nobody has configured yet. */
export const DEFAULT_SETTINGS: Readonly<ServerSettings> = {
  smtp: null,
  folderRoots: [],
  allowedNetworks: [],
  deniedNetworks: [...DEFAULT_DENIED_NETWORKS],
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
