import { PERMISSIONS } from '../domain/permissions.ts';
import { predecessorParameters } from '../domain/predecessor.ts';
import type { PlaceholderScope } from '../domain/placeholders.ts';
import { placeholderValue } from '../domain/placeholders.ts';
import type { Task } from '../domain/task.ts';
import type { User } from '../domain/user.ts';
import type {
  GroupMember,
  OutgoingMail,
  RunHost,
  SavedFiles,
  TriggerHost,
} from '../plugins/run-host.ts';
import { outboxMessageOf } from '../mail/outbox-message.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { DataSourceService } from '../settings/data-source-service.ts';
import { allowedPath } from '../settings/folder-access.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { LdapSettingsService } from '../settings/ldap-settings-service.ts';
import { userCaller } from '../auth/caller.ts';
import { requireJoinableGroups } from '../auth/group-service.ts';
import {
  syncDirectory,
  type DirectorySyncOptions,
  type DirectorySyncReport,
} from '../auth/ldap/directory-sync.ts';
import type { RunTicket, Store } from '../store/store.ts';
import { enqueueRun } from './enqueue.ts';
import type { OwnerState } from './permission-check.ts';

/** At most this many audit events go into one export. */
const MAX_AUDIT_EVENTS = 1_000_000;

/** What a run's host is made for: the run, its task and owner, and its placeholder scope. */
export interface HostedRun {
  ticket: RunTicket;
  task: Task;
  owner: OwnerState;
  scope: PlaceholderScope;
  /** Marked once the run has put mail in the outbox (held until its end is written). */
  mail: HeldMail;
  /**
   * An unsaved task's run (POST /tasks/execute): it has no end to hold mail for, so its mail is
   * queued at once, and it has saved no files (it never overwrites one).
   */
  unsaved: boolean;
}

/** Whether a run has held mail in the outbox, to release with its end. */
export interface HeldMail {
  held: boolean;
}

/** The files an unsaved task has saved: none, and it records none. */
const NO_SAVED_FILES: SavedFiles = {
  namesIn: () => Promise.resolve(new Set<string>()),
  record: () => Promise.resolve(),
  forget: () => Promise.resolve(),
};

/** Makes the server's services available to components, always as the task's owner. */
export class RunHosts {
  constructor(
    private readonly store: Store,
    private readonly settings: SettingsService,
    private readonly dataSources: DataSourceService,
    private readonly ldap: LdapSettingsService,
    private readonly box: SecretBox,
    private readonly now: () => number,
  ) {}

  /** What event triggers may use. */
  forTrigger(): TriggerHost {
    return {
      settings: () => this.settings.current(),
      allowedPath: async (path) => allowedPath(path, (await this.settings.current()).folderRoots),
    };
  }

  forRun(run: HostedRun): RunHost {
    const { ticket, owner } = run;
    return {
      ...this.forTrigger(),
      query: (dataSource, sql, values, signal) =>
        this.dataSources.query(
          { id: owner.user.id, groupIds: owner.user.groupIds, permissions: owner.permissions },
          dataSource,
          sql,
          (name, format) => placeholderValue(name, format, { ...run.scope, values }),
          signal,
        ),
      startTask: (taskId, parameters = {}, standing = { status: 'running', reason: null }) =>
        this.#startTask(run, taskId, {
          ...parameters,
          ...predecessorParameters({
            taskId: run.task.id,
            taskName: run.task.name,
            runId: ticket.id,
            ...standing,
          }),
        }),
      auditEvents: (from, to) => this.store.audit.between(from, to, MAX_AUDIT_EVENTS),
      groupMembers: (group) => this.#groupMembers(owner, group),
      syncDirectory: (options) => this.#syncDirectory(owner, options),
      savedFiles: run.unsaved ? NO_SAVED_FILES : this.#savedFiles(run.task.id),
      queueMail: (mail) => this.#queueMail(run, mail),
    };
  }

  /**
   * Writes the message to the outbox at once (a run may compose many), held for the run: it is
   * released with the run's end and dropped if the run is interrupted instead.
   */
  async #queueMail(run: HostedRun, mail: OutgoingMail) {
    const { mailRetryHours } = await this.settings.current();
    const origin = run.unsaved
      ? { runId: null, taskId: null, ownerId: run.owner.user.id }
      : { runId: run.ticket.id, taskId: run.task.id, ownerId: run.owner.user.id };
    const message = outboxMessageOf(
      mail,
      { ...origin, purpose: 'action' },
      this.box,
      this.now(),
      mailRetryHours,
    );
    if (run.unsaved) return this.store.outbox.add([message], 'queued');
    await this.store.outbox.add([message], 'held');
    run.mail.held = true;
  }

  #savedFiles(taskId: string): SavedFiles {
    const files = this.store.savedFiles;
    return {
      namesIn: (folder) => files.namesOf(taskId, folder),
      record: (folder, name) =>
        files.record({ folder, name, taskId, savedAt: new Date(this.now()) }),
      forget: (folder, name) => files.forget(folder, name),
    };
  }

  async #startTask(
    { ticket, owner }: HostedRun,
    taskId: string,
    parameters: Record<string, string>,
  ): Promise<string | null> {
    if (ticket.chain.includes(taskId)) return null;
    const task = await this.store.tasks.get(taskId);
    if (!task || task.ownerId !== owner.user.id) {
      throw new Error(`the owner '${owner.user.login}' has no task ${taskId}`);
    }
    return enqueueRun(
      this.store,
      task,
      { cause: 'after-task', triggerId: null, parameters, chain: ticket.chain },
      this.now(),
    );
  }

  /** A directory sync as the owner, who must be able to do by hand all that it does. */
  async #syncDirectory(
    owner: OwnerState,
    options: DirectorySyncOptions,
  ): Promise<DirectorySyncReport> {
    const missing = [PERMISSIONS.usersManage, PERMISSIONS.settingsManage].filter(
      (permission) => !owner.permissions.has(permission),
    );
    if (missing.length > 0) {
      throw new Error(`the owner '${owner.user.login}' lacks ${missing.join(' and ')}`);
    }
    const settings = await this.ldap.current();
    if (!settings) throw new Error('no LDAP directory is set up (Settings, LDAP)');
    const caller = userCaller(owner.user, owner.permissions, 'task');
    const existing = new Set((await this.store.groups.list()).map((group) => group.id));
    const groupIds = [...new Set(settings.groupMap.map((each) => each.groupId))].filter((id) =>
      existing.has(id),
    );
    await requireJoinableGroups(this.store, caller, groupIds);
    return syncDirectory(this.store, settings, caller.actor, new Date(this.now()), options);
  }

  /**
   * The enabled members of a group the owner may list: one they belong to or that an
   * administrator made usable in series, or any when they manage users (who see every group
   * anyway). A group they may not list is reported as missing, so a task cannot probe which
   * groups exist.
   */
  async #groupMembers(owner: OwnerState, nameOrId: string): Promise<GroupMember[]> {
    const groups = await this.store.groups.list();
    const key = nameOrId.toLowerCase();
    const group =
      groups.find((each) => each.id === nameOrId) ??
      groups.find((each) => each.name.toLowerCase() === key);
    const mayList =
      group !== undefined &&
      (group.usableInSeries ||
        group.memberIds.includes(owner.user.id) ||
        owner.permissions.has(PERMISSIONS.usersManage));
    if (!group || !mayList) {
      throw new Error(`the owner '${owner.user.login}' is in no group '${nameOrId}'`);
    }
    const users = await Promise.all(group.memberIds.map((id) => this.store.users.get(id)));
    return users
      .filter((user): user is User => user !== undefined && !user.disabled)
      .map((user) => ({
        id: user.id,
        login: user.login,
        name: user.displayName,
        email: user.email,
      }))
      .sort((a, b) => a.login.localeCompare(b.login));
  }
}
