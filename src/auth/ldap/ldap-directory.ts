import { InvalidCredentialsError, type Client, type Entry } from 'ldapts';
import {
  ACCOUNT_DISABLED_FLAG,
  dnKey,
  type DirectoryEntry,
  type LdapSettings,
} from '../../domain/ldap-settings.ts';
import { LOGIN_PATTERN } from '../../domain/user.ts';
import { bindService, DirectoryUnavailableError, withConnection } from './ldap-connection.ts';
import { userByLoginFilter } from './ldap-filter.ts';

const LOGIN = new RegExp(LOGIN_PATTERN);
const PAGE_SIZE = 500;

/** The first value of an attribute as text, or null. */
function firstText(entry: Entry, attribute: string): string | null {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  const text = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  return text === '' ? null : text;
}

/** Every value of an attribute as text. */
function allTexts(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? [] : entry[key];
  const values = Array.isArray(value) ? value : [value];
  return values.map((each) => (Buffer.isBuffer(each) ? each.toString('utf8') : String(each)));
}

/** Which attributes to read of a user. */
function userAttributes(settings: LdapSettings): string[] {
  const { loginAttribute, nameAttribute, mailAttribute } = settings;
  return [loginAttribute, nameAttribute, mailAttribute, 'userAccountControl'];
}

/** A directory entry as a user, or null when its login cannot be a login here. */
function entryOf(entry: Entry, settings: LdapSettings): DirectoryEntry | null {
  const login = firstText(entry, settings.loginAttribute);
  if (login === null || !LOGIN.test(login)) return null;
  const control = Number(firstText(entry, 'userAccountControl') ?? 0);
  return {
    dn: entry.dn,
    login,
    displayName: (firstText(entry, settings.nameAttribute) ?? login).slice(0, 200),
    email: firstText(entry, settings.mailAttribute),
    disabled: (control & ACCOUNT_DISABLED_FLAG) !== 0,
  };
}

/** Every entry a search finds, page by page. */
async function searchAll(
  client: Client,
  base: string,
  filter: string,
  attributes: string[],
): Promise<Entry[]> {
  const entries: Entry[] = [];
  const pages = client.searchPaginated(base, {
    scope: 'sub',
    filter,
    attributes,
    paged: { pageSize: PAGE_SIZE },
  });
  for await (const page of pages) entries.push(...page.searchEntries);
  return entries;
}

/**
 * The transitive members of each mapped directory group: members of groups that are members
 * count too (nested groups, cycles and all), keyed by dnKey of the mapped group.
 */
async function mappedMembers(
  client: Client,
  settings: LdapSettings,
): Promise<Map<string, Set<string>>> {
  const base = settings.groupBase === '' ? settings.userBase : settings.groupBase;
  const groups = await searchAll(client, base, settings.groupFilter, [settings.memberAttribute]);
  const membersOf = new Map(
    groups.map((group) => [dnKey(group.dn), allTexts(group, settings.memberAttribute).map(dnKey)]),
  );
  const result = new Map<string, Set<string>>();
  for (const { directoryGroup } of settings.groupMap) {
    const key = dnKey(directoryGroup);
    result.set(key, expand(key, membersOf));
  }
  return result;
}

/** The members of a group that are not groups themselves, following nested groups. */
function expand(group: string, membersOf: ReadonlyMap<string, readonly string[]>): Set<string> {
  const users = new Set<string>();
  const seen = new Set<string>([group]);
  const queue = [...(membersOf.get(group) ?? [])];
  for (let member = queue.shift(); member !== undefined; member = queue.shift()) {
    const nested = membersOf.get(member);
    if (nested === undefined) users.add(member);
    else if (!seen.has(member)) {
      seen.add(member);
      queue.push(...nested);
    }
  }
  return users;
}

/** The mapped directory groups a user is in (by DN), as their dnKeys. */
function groupsOfUser(dn: string, members: ReadonlyMap<string, Set<string>>): Set<string> {
  const key = dnKey(dn);
  return new Set([...members].filter(([, users]) => users.has(key)).map(([group]) => group));
}

/** A user the directory vouched for, with the mapped groups they are in. */
export interface VouchedUser {
  entry: DirectoryEntry;
  directoryGroups: Set<string>;
}

/** Everything a sync needs: every user entry and the members of every mapped group. */
export interface DirectorySnapshot {
  entries: DirectoryEntry[];
  /** Entries whose login attribute is missing or no valid login, by DN. */
  skipped: string[];
  directoryGroupsOf(dn: string): Set<string>;
}

/** Reads users and groups of an LDAP directory and checks users' passwords by binding. */
export class LdapDirectory {
  constructor(private readonly settings: LdapSettings) {}

  /**
   * The user with this login and password, or null when the directory knows no such user or
   * the password is wrong. Throws DirectoryUnavailableError when the directory cannot answer.
   */
  async authenticate(login: string, password: string): Promise<VouchedUser | null> {
    // An empty password would be an anonymous bind, which LDAP servers accept.
    if (password === '') return null;
    const settings = this.settings;
    return withConnection(settings, async (client) => {
      await bindService(client, settings);
      const found = await this.#find(client, login);
      if (found === null) return null;
      if (!(await passwordMatches(settings, found.dn, password))) return null;
      const members = await this.#members(client);
      return { entry: found, directoryGroups: groupsOfUser(found.dn, members) };
    });
  }

  /** Every user entry and the mapped groups' members, for a sync. */
  async snapshot(): Promise<DirectorySnapshot> {
    const settings = this.settings;
    return withConnection(settings, async (client) => {
      await bindService(client, settings);
      const raw = await this.#search(() =>
        searchAll(client, settings.userBase, settings.userFilter, userAttributes(settings)),
      );
      const members = await this.#members(client);
      const entries: DirectoryEntry[] = [];
      const skipped: string[] = [];
      for (const each of raw) {
        const entry = entryOf(each, settings);
        if (entry) entries.push(entry);
        else skipped.push(each.dn);
      }
      return { entries, skipped, directoryGroupsOf: (dn) => groupsOfUser(dn, members) };
    });
  }

  async #find(client: Client, login: string): Promise<DirectoryEntry | null> {
    const { userBase, userFilter, loginAttribute } = this.settings;
    const filter = userByLoginFilter(userFilter, loginAttribute, login);
    const { searchEntries } = await this.#search(() =>
      client.search(userBase, {
        scope: 'sub',
        filter,
        attributes: userAttributes(this.settings),
      }),
    );
    // Two entries with one login: neither is trusted.
    if (searchEntries.length !== 1 || !searchEntries[0]) return null;
    return entryOf(searchEntries[0], this.settings);
  }

  async #members(client: Client): Promise<Map<string, Set<string>>> {
    if (this.settings.groupMap.length === 0) return new Map();
    return this.#search(() => mappedMembers(client, this.settings));
  }

  /** A search whose failure (a wrong base, a broken filter, a lost connection) is the directory's. */
  async #search<T>(search: () => Promise<T>): Promise<T> {
    try {
      return await search();
    } catch (error) {
      throw new DirectoryUnavailableError(this.settings.url, error);
    }
  }
}

/** Whether the password binds as the user, on a connection of its own. */
async function passwordMatches(
  settings: LdapSettings,
  dn: string,
  password: string,
): Promise<boolean> {
  return withConnection(settings, async (client) => {
    try {
      await client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      throw new DirectoryUnavailableError(settings.url, error);
    }
  });
}
