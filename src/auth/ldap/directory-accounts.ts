import type { Actor } from '../../domain/audit.ts';
import { auditEvent } from '../../domain/audit.ts';
import { dnKey, type DirectoryEntry, type LdapGroupMapping } from '../../domain/ldap-settings.ts';
import type { User } from '../../domain/user.ts';
import type { Store } from '../../store/store.ts';
import {
  createOutsideAccount,
  mappedGroups,
  refreshOutsideAccount,
  type MappedGroups,
  type OutsideChange,
  type OutsideProfile,
} from '../outside-accounts.ts';

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

function profileOf(entry: DirectoryEntry): OutsideProfile {
  const { login, displayName, email, dn } = entry;
  return { login, displayName, email, externalId: dn };
}

/**
 * Brings local directory accounts in line with the directory, inside the caller's transaction:
 * makes the accounts it does not have yet, copies name, e-mail address and DN, disables
 * accounts the directory disabled, and sets membership of the mapped local groups (other
 * groups are left alone). A local account with the same login is never touched. Every change
 * is audited as done by the actor.
 */
export class DirectoryAccounts {
  readonly #change: OutsideChange;
  #groups: Promise<Set<string>> | undefined;

  constructor(
    private readonly store: Store,
    private readonly mapping: readonly LdapGroupMapping[],
    actor: Actor,
    now: Date,
  ) {
    this.#change = { store, actor, now, source: 'ldap' };
  }

  async apply(
    entry: DirectoryEntry,
    directoryGroups: ReadonlySet<string>,
  ): Promise<AccountOutcome> {
    const groups = mappedGroups(
      this.mapping,
      (each) => directoryGroups.has(dnKey(each.directoryGroup)),
      await this.#existingGroups(),
    );
    const found = await this.store.users.getWithSecretByLogin(entry.login);
    if (!found) return this.#create(entry, groups);
    const { passwordHash: _secret, ...user } = found;
    if (user.source !== 'ldap') {
      const detail = `a ${user.source} account has this login; left alone`;
      return { login: entry.login, change: 'skipped', detail };
    }
    return this.#update(user, entry, groups);
  }

  /** The ids of the local groups, read once per transaction (a mapped group may be gone). */
  #existingGroups(): Promise<Set<string>> {
    this.#groups ??= this.store.groups
      .list()
      .then((groups) => new Set(groups.map((group) => group.id)));
    return this.#groups;
  }

  /** Disables a directory account the directory no longer has. */
  async disableMissing(user: User): Promise<AccountOutcome> {
    const { login } = user;
    if (user.disabled) {
      return { login, change: 'unchanged', detail: 'not in the directory; disabled already', user };
    }
    await this.#disable(user.id, { missing: true });
    const after = { ...user, disabled: true };
    return { login, change: 'disabled', detail: 'no longer in the directory', user: after };
  }

  async #create(entry: DirectoryEntry, groups: MappedGroups): Promise<AccountOutcome> {
    const user = await createOutsideAccount(this.#change, profileOf(entry), groups, entry.disabled);
    if (!user)
      return { login: entry.login, change: 'skipped', detail: 'the login was taken meanwhile' };
    const detail = entry.disabled ? 'made, disabled as in the directory' : 'made';
    return { login: user.login, change: 'created', detail, user };
  }

  async #update(user: User, entry: DirectoryEntry, groups: MappedGroups): Promise<AccountOutcome> {
    const { changed, joined, left, after } = await refreshOutsideAccount(
      this.#change,
      user,
      profileOf(entry),
      groups,
    );
    if (entry.disabled && !user.disabled) {
      await this.#disable(user.id, { directory: true });
      const disabled = { ...after, disabled: true };
      return {
        login: user.login,
        change: 'disabled',
        detail: 'disabled in the directory',
        user: disabled,
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
    const { store, actor, now } = this.#change;
    await store.users.update(userId, { disabled: true, updatedAt: now });
    await store.sessions.deleteForUser(userId);
    const details = { changed: ['disabled'], source: 'ldap', ...reason };
    await store.audit.append(auditEvent(actor, now, 'user.update', 'user', userId, details));
  }
}
