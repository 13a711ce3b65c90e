import { randomUUID } from 'node:crypto';
import { auditEvent, type Actor } from '../../domain/audit.ts';
import { dnKey, type DirectoryEntry, type LdapGroupMapping } from '../../domain/ldap-settings.ts';
import type { User } from '../../domain/user.ts';
import type { Store, UserChanges } from '../../store/store.ts';

/** What a directory entry did to its local account. */
export type AccountChange = 'created' | 'updated' | 'disabled' | 'unchanged' | 'skipped';

/** One account's outcome, for a sync's log and report. */
export interface AccountOutcome {
  login: string;
  change: AccountChange;
  /** What changed, or why nothing did, in words. */
  detail: string;
  /** The local account after the change; undefined when skipped. */
  user?: User;
}

/** The local groups a user belongs to while in the directory groups mapped to them. */
function wantedGroups(
  directoryGroups: ReadonlySet<string>,
  mapping: readonly LdapGroupMapping[],
): Set<string> {
  return new Set(
    mapping
      .filter((each) => directoryGroups.has(dnKey(each.directoryGroup)))
      .map((each) => each.groupId),
  );
}

/**
 * Brings local directory accounts in line with the directory, inside the caller's transaction:
 * makes the accounts it does not have yet, copies name, e-mail address and DN, disables
 * accounts the directory disabled, and sets membership of the mapped local groups (other
 * groups are left alone). A local account with the same login is never touched. Every change
 * is audited as done by the actor.
 */
export class DirectoryAccounts {
  constructor(
    private readonly store: Store,
    private readonly mapping: readonly LdapGroupMapping[],
    private readonly actor: Actor,
    private readonly now: Date,
  ) {}

  async apply(
    entry: DirectoryEntry,
    directoryGroups: ReadonlySet<string>,
  ): Promise<AccountOutcome> {
    const existingGroups = await this.#existingGroups();
    const wanted = [...wantedGroups(directoryGroups, this.mapping)].filter((id) =>
      existingGroups.has(id),
    );
    const managed = new Set(
      this.mapping.map((each) => each.groupId).filter((id) => existingGroups.has(id)),
    );
    const found = await this.store.users.getWithSecretByLogin(entry.login);
    if (!found) return this.#create(entry, wanted);
    const { passwordHash: _secret, ...user } = found;
    if (user.source !== 'ldap') {
      return {
        login: entry.login,
        change: 'skipped',
        detail: 'a local account has this login; left alone',
      };
    }
    return this.#update(user, entry, new Set(wanted), managed);
  }

  #groups: Promise<Set<string>> | undefined;

  /** The ids of the local groups, read once per transaction (a mapped group may be gone). */
  #existingGroups(): Promise<Set<string>> {
    this.#groups ??= this.store.groups
      .list()
      .then((groups) => new Set(groups.map((group) => group.id)));
    return this.#groups;
  }

  /** Disables a directory account the directory no longer has. */
  async disableMissing(user: User): Promise<AccountOutcome> {
    if (user.disabled)
      return {
        login: user.login,
        change: 'unchanged',
        detail: 'not in the directory; disabled already',
        user,
      };
    await this.#disable(user.id, { missing: true });
    return {
      login: user.login,
      change: 'disabled',
      detail: 'no longer in the directory',
      user: { ...user, disabled: true },
    };
  }

  async #create(entry: DirectoryEntry, groupIds: string[]): Promise<AccountOutcome> {
    const user: User = {
      id: randomUUID(),
      login: entry.login,
      displayName: entry.displayName,
      email: entry.email,
      disabled: entry.disabled,
      mustChangePassword: false,
      source: 'ldap',
      externalId: entry.dn,
      permissions: [],
      groupIds,
      createdAt: this.now,
      updatedAt: this.now,
    };
    if (!(await this.store.users.insert({ ...user, passwordHash: null }))) {
      return { login: entry.login, change: 'skipped', detail: 'the login was taken meanwhile' };
    }
    const details = { login: user.login, source: 'ldap', externalId: entry.dn, groupIds };
    await this.store.audit.append(
      auditEvent(this.actor, this.now, 'user.create', 'user', user.id, details),
    );
    const detail = entry.disabled ? 'made, disabled as in the directory' : 'made';
    return { login: user.login, change: 'created', detail, user };
  }

  async #update(
    user: User,
    entry: DirectoryEntry,
    wanted: ReadonlySet<string>,
    managed: ReadonlySet<string>,
  ): Promise<AccountOutcome> {
    const changes = changesOf(user, entry, this.now);
    const joined = [...wanted].filter((id) => !user.groupIds.includes(id));
    const left = user.groupIds.filter((id) => managed.has(id) && !wanted.has(id));
    const changed = Object.keys(changes).filter((key) => key !== 'updatedAt');
    if (changed.length > 0) await this.store.users.update(user.id, changes);
    for (const id of joined) await this.store.groups.setMembership(id, user.id, true);
    for (const id of left) await this.store.groups.setMembership(id, user.id, false);
    if (changed.length > 0 || joined.length > 0 || left.length > 0) {
      const details = { changed, source: 'ldap', joined, left };
      await this.store.audit.append(
        auditEvent(this.actor, this.now, 'user.update', 'user', user.id, details),
      );
    }
    const groupIds = [...user.groupIds.filter((id) => !left.includes(id)), ...joined];
    const after: User = { ...user, ...changes, groupIds };
    if (entry.disabled && !user.disabled) {
      await this.#disable(user.id, { directory: true });
      return {
        login: user.login,
        change: 'disabled',
        detail: 'disabled in the directory',
        user: { ...after, disabled: true },
      };
    }
    if (changed.length === 0 && joined.length === 0 && left.length === 0) {
      const detail =
        user.disabled && !entry.disabled ? 'disabled here; enable by hand' : 'up to date';
      return { login: user.login, change: 'unchanged', detail, user: after };
    }
    const detail = [...changed, ...(joined.length + left.length > 0 ? ['groups'] : [])].join(', ');
    return { login: user.login, change: 'updated', detail: `changed: ${detail}`, user: after };
  }

  async #disable(userId: string, reason: Record<string, unknown>): Promise<void> {
    await this.store.users.update(userId, { disabled: true, updatedAt: this.now });
    await this.store.sessions.deleteForUser(userId);
    const details = { changed: ['disabled'], source: 'ldap', ...reason };
    await this.store.audit.append(
      auditEvent(this.actor, this.now, 'user.update', 'user', userId, details),
    );
  }
}

/** The fields the directory keeps that differ from the local account (never `disabled`). */
function changesOf(user: User, entry: DirectoryEntry, now: Date): UserChanges {
  const changes: UserChanges = { updatedAt: now };
  if (user.displayName !== entry.displayName) changes.displayName = entry.displayName;
  if (user.email !== entry.email) changes.email = entry.email;
  if (user.externalId !== entry.dn) changes.externalId = entry.dn;
  // The directory's spelling of the login (a case change) is taken over.
  if (user.login !== entry.login) changes.login = entry.login;
  return changes;
}
