/** A person (or service account) who can log in and own tasks. */
export interface User {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  disabled: boolean;
  /** Someone else chose the password: the user changes it before anything else. */
  mustChangePassword: boolean;
  /** Where the account is kept: here (with its password), or in the LDAP directory. */
  source: UserSource;
  /** Who the account is out there: its DN in LDAP, its subject at the OpenID provider; null for a local one. */
  externalId: string | null;
  /** Permissions granted to the user directly (not through groups). */
  permissions: string[];
  groupIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Where an account is kept: a local one has its password here; an LDAP directory or an OpenID
 * provider vouches for the others.
 */
export type UserSource = 'local' | 'ldap' | 'oidc';

/** Every source, for reading stored values. */
export const USER_SOURCES: readonly UserSource[] = ['local', 'ldap', 'oidc'];

/** What a local account has in place of a directory's: its own password, no DN. */
export const LOCAL_ACCOUNT = { source: 'local', externalId: null } as const satisfies Pick<
  User,
  'source' | 'externalId'
>;

/** A user with the stored password hash, only for authentication. */
export interface UserWithSecret extends User {
  passwordHash: string | null;
}

/** A named set of users sharing permissions. */
export interface Group {
  id: string;
  name: string;
  permissions: string[];
  memberIds: string[];
  /** Whether any planner's group series may list its members, not only its own members'. */
  usableInSeries: boolean;
  /** A role: a set of permissions offered by name when a user is made. */
  role: boolean;
  /** What the group is for, in words. */
  description: string;
}

/** A logged-in browser session; the token itself is never stored, only its hash. */
export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}

/** A personal API token; the secret is shown once and stored hashed. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the token, so a user can recognise it. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** Logins are compared case-insensitively. */
export function loginKey(login: string): string {
  return login.trim().toLowerCase();
}

/** The text a user search looks in, lower-cased here so every database matches alike. */
export function userSearchText(user: Pick<User, 'login' | 'displayName'>): string {
  return `${user.login}\n${user.displayName}`.toLowerCase();
}

/** A login: letters, digits and . _ @ - (so it is also a safe path segment). */
export const LOGIN_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';
