import { randomUUID } from 'node:crypto';
import { auditEvent, type Actor } from '../domain/audit.ts';
import type { User, UserSource } from '../domain/user.ts';
import type { Store, UserChanges } from '../store/store.ts';

/** What an outside source (LDAP, an OpenID provider) says about an account. */
export interface OutsideProfile {
  login: string;
  displayName: string;
  email: string | null;
  /** Who the account is at the source: its DN, its subject. */
  externalId: string;
}

/** Who makes the change, when, and for which source. */
export interface OutsideChange {
  store: Store;
  actor: Actor;
  now: Date;
  source: Exclude<UserSource, 'local'>;
}

/** The local groups an account should be in, of those the source manages. */
export interface MappedGroups {
  /** The mapped local groups the account belongs in now. */
  wanted: ReadonlySet<string>;
  /** Every local group the source maps to (others are left as they are). */
  managed: ReadonlySet<string>;
}

/**
 * The mapped groups for outside group keys the account holds: each mapping entry whose key the
 * account holds puts it in that local group. Groups that no longer exist here are left out.
 */
export function mappedGroups<Entry extends { groupId: string }>(
  mapping: readonly Entry[],
  holds: (entry: Entry) => boolean,
  existing: ReadonlySet<string>,
): MappedGroups {
  const present = mapping.filter((entry) => existing.has(entry.groupId));
  return {
    wanted: new Set(present.filter(holds).map((entry) => entry.groupId)),
    managed: new Set(present.map((entry) => entry.groupId)),
  };
}

/** Makes an account the source vouches for, with no password and no direct permissions. */
export async function createOutsideAccount(
  change: OutsideChange,
  profile: OutsideProfile,
  groups: MappedGroups,
  disabled: boolean,
): Promise<User | null> {
  const { store, actor, now, source } = change;
  const user: User = {
    ...profile,
    id: randomUUID(),
    disabled,
    mustChangePassword: false,
    source,
    permissions: [],
    groupIds: [...groups.wanted],
    createdAt: now,
    updatedAt: now,
  };
  if (!(await store.users.insert({ ...user, passwordHash: null }))) return null;
  const details = {
    login: user.login,
    source,
    externalId: profile.externalId,
    groupIds: user.groupIds,
  };
  await store.audit.append(auditEvent(actor, now, 'user.create', 'user', user.id, details));
  return user;
}

/** What refreshing an account changed. */
export interface Refreshed {
  /** The profile fields that changed. */
  changed: string[];
  joined: string[];
  left: string[];
  after: User;
}

/**
 * Copies the source's profile and mapped groups onto an account, audited when anything changed.
 * The source's spelling of the login (a case change) is taken over too.
 */
export async function refreshOutsideAccount(
  change: OutsideChange,
  user: User,
  profile: OutsideProfile,
  groups: MappedGroups,
): Promise<Refreshed> {
  const { store, actor, now, source } = change;
  const changes = profileChanges(user, profile, now);
  const joined = [...groups.wanted].filter((id) => !user.groupIds.includes(id));
  const left = user.groupIds.filter((id) => groups.managed.has(id) && !groups.wanted.has(id));
  const changed = Object.keys(changes).filter((key) => key !== 'updatedAt');
  if (changed.length > 0) await store.users.update(user.id, changes);
  for (const id of joined) await store.groups.setMembership(id, user.id, true);
  for (const id of left) await store.groups.setMembership(id, user.id, false);
  if (changed.length > 0 || joined.length > 0 || left.length > 0) {
    const details = { changed, source, joined, left };
    await store.audit.append(auditEvent(actor, now, 'user.update', 'user', user.id, details));
  }
  const groupIds = [...user.groupIds.filter((id) => !left.includes(id)), ...joined];
  return { changed, joined, left, after: { ...user, ...changes, groupIds } };
}

function profileChanges(user: User, profile: OutsideProfile, now: Date): UserChanges {
  const changes: UserChanges = { updatedAt: now };
  if (user.displayName !== profile.displayName) changes.displayName = profile.displayName;
  if (user.email !== profile.email) changes.email = profile.email;
  if (user.externalId !== profile.externalId) changes.externalId = profile.externalId;
  if (user.login !== profile.login) changes.login = profile.login;
  return changes;
}
