import type { Actor } from '../../domain/audit.ts';
import type { DirectoryEntry, LdapSettings } from '../../domain/ldap-settings.ts';
import { loginKey } from '../../domain/user.ts';
import { accountsFrom } from '../../settings/identity-source-settings.ts';
import type { Store } from '../../store/store.ts';
import { DirectoryAccounts, type AccountOutcome } from './directory-accounts.ts';
import { LdapDirectory } from './ldap-directory.ts';

/** What a sync does besides making and updating accounts. */
export interface DirectorySyncOptions {
  /** Disable directory accounts the directory no longer has. */
  disableMissing: boolean;
}

/** Every account a sync looked at, and the directory entries it could not use. */
export interface DirectorySyncReport {
  outcomes: AccountOutcome[];
  /** Entries without a usable login, by DN. */
  unusableEntries: string[];
}

/**
 * Reads the whole directory, then brings every directory account in line with it in one
 * transaction: new users are made, changed ones updated, mapped groups set, users disabled in
 * the directory (and, if asked, users no longer in it) disabled here. Nobody is deleted: their
 * tasks and history stay. A sync never enables an account; an administrator does.
 */
export async function syncDirectory(
  store: Store,
  settings: LdapSettings,
  actor: Actor,
  now: Date,
  options: DirectorySyncOptions,
): Promise<DirectorySyncReport> {
  const snapshot = await new LdapDirectory(settings).snapshot();
  const { unique, ambiguous } = byLogin(snapshot.entries);
  const outcomes = await store.transaction(async (trx) => {
    const accounts = new DirectoryAccounts(trx, settings.groupMap, actor, now);
    const done: AccountOutcome[] = ambiguous.map((login) => ({
      login,
      change: 'skipped',
      detail: 'several directory entries have this login; none is used',
    }));
    for (const entry of unique) {
      done.push(await accounts.apply(entry, snapshot.directoryGroupsOf(entry.dn)));
    }
    if (options.disableMissing) {
      const present = new Set([...unique.map((entry) => loginKey(entry.login)), ...ambiguous]);
      for (const user of await accountsFrom(trx, 'ldap')) {
        if (!present.has(loginKey(user.login))) done.push(await accounts.disableMissing(user));
      }
    }
    return done;
  });
  return { outcomes, unusableEntries: snapshot.skipped };
}

/** The entries by login: those whose login only one entry has, and the logins several share. */
function byLogin(entries: readonly DirectoryEntry[]): {
  unique: DirectoryEntry[];
  ambiguous: string[];
} {
  const groups = new Map<string, DirectoryEntry[]>();
  for (const entry of entries) {
    const key = loginKey(entry.login);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const unique = [...groups.values()].flatMap((each) => (each.length === 1 ? each : []));
  const ambiguous = [...groups].flatMap(([key, each]) => (each.length > 1 ? [key] : []));
  return { unique, ambiguous };
}
