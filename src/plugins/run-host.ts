import type { AuditEvent } from '../domain/audit.ts';
import type { ServerSettings } from '../domain/settings.ts';
import type { DirectorySyncOptions, DirectorySyncReport } from '../auth/ldap/directory-sync.ts';

/** Rows a query returned, with the column names in their order. */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** A member of a group, as a series value. */
export interface GroupMember {
  id: string;
  login: string;
  name: string;
  email: string | null;
}

/** A task's own SMTP server, as an e-mail action names it (password in clear). */
export interface OwnSmtpServer {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
}

/** A composed message for the outbox, and the server it goes through. */
export interface OutgoingMail {
  /** The Message-ID header of the content. */
  messageId: string;
  /** The whole message (RFC 5322, attachments included), as composeMail made it. */
  content: Buffer;
  subject: string;
  /** The envelope sender: the address of the From header. */
  sender: string;
  /** Every recipient's address: to, cc and bcc. */
  recipients: string[];
  /** The action's own SMTP server, or null for the administrator's default. */
  server: OwnSmtpServer | null;
}

/**
 * The server's services as a component may use them: always as the task's owner, so what
 * the owner may not reach (another user's task, a data source they have no access to, a
 * folder outside the allowed roots) fails with a message that says why.
 */
export interface RunHost {
  /** The server-wide settings (default SMTP server, allowed folder roots), secrets in clear. */
  settings(): Promise<ServerSettings>;
  /**
   * The real path of a file or folder the owner named, after following links; throws unless it
   * lies inside an allowed folder root. A path that does not exist yet is checked by its parent.
   */
  allowedPath(path: string): Promise<string>;
  /**
   * Runs a query on a data source the owner may use. `{name}` placeholders in the query become
   * bound parameters taken from values (never text pasted into the SQL).
   */
  query(
    dataSource: string,
    sql: string,
    values: Readonly<Record<string, unknown>>,
    signal?: AbortSignal,
  ): Promise<QueryResult>;
  /**
   * Starts another task of the owner (disabled ones too) as part of this run's chain, telling it
   * how this run stands ({trigger.run.status}, {trigger.run.reason}; default "running");
   * resolves to the new run's id, or null when the task already ran in this chain (a loop).
   */
  startTask(
    taskId: string,
    parameters?: Record<string, string>,
    standing?: { status: string; reason: string | null },
  ): Promise<string | null>;
  /** Audit events from (inclusive) to (exclusive), oldest first. */
  auditEvents(from: Date, to: Date): Promise<AuditEvent[]>;
  /** The enabled members of the group of that name (or id). */
  groupMembers(group: string): Promise<GroupMember[]>;
  /**
   * Brings the directory accounts in line with the LDAP directory, as the owner: they need
   * users.manage and settings.manage, and every permission of each mapped local group.
   */
  syncDirectory(options: DirectorySyncOptions): Promise<DirectorySyncReport>;
  /** The files this task saved: the only ones it may replace or delete. */
  savedFiles: SavedFiles;
  /**
   * Puts a message in the outbox. It is written with the run's end (a run whose end is lost
   * queues nothing) and delivered after it, with retries; the run records "queued".
   */
  queueMail(mail: OutgoingMail): Promise<void>;
}

/** The files a task saved into folders, by real folder path and file name. */
export interface SavedFiles {
  /** The names of the files this task saved in the folder. */
  namesIn(folder: string): Promise<Set<string>>;
  /** Notes that this task saved (or replaced) the file. */
  record(folder: string, name: string): Promise<void>;
  /** Notes that the file is gone. */
  forget(folder: string, name: string): Promise<void>;
}

/** What an event trigger may use: the settings, the folder check, and telling its task's owner. */
export interface TriggerHost extends Pick<RunHost, 'settings' | 'allowedPath'> {
  /**
   * Records on the task, for its owner, that the trigger's calendar cannot be read and why (not
   * again while the newest record of the trigger says the same); only a trigger's own host has it.
   */
  calendarUnreadable?(message: string): Promise<void>;
}
