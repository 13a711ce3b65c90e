import type { Actor } from '../../domain/audit.ts';
import type { OidcSettings } from '../../domain/oidc-settings.ts';
import { LOGIN_PATTERN, type User } from '../../domain/user.ts';
import type { Store } from '../../store/store.ts';
import {
  createOutsideAccount,
  mappedGroups,
  refreshOutsideAccount,
  type OutsideChange,
  type OutsideProfile,
} from '../outside-accounts.ts';
import { SignInError } from './sign-in-error.ts';

const LOGIN = new RegExp(LOGIN_PATTERN);

/** The claims of a verified ID token. */
export type Claims = Readonly<Record<string, unknown>>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The groups claim as a list of values (a single value counts as a list of one). */
function groupValues(value: unknown): Set<string> {
  const values = Array.isArray(value) ? value : [value];
  return new Set(values.filter((each): each is string => typeof each === 'string'));
}

/** The account's profile from the claims; refused when the login claim is no usable login. */
function profileOf(settings: OidcSettings, claims: Claims, subject: string): OutsideProfile {
  const login = text(claims[settings.loginClaim]);
  if (login === null || !LOGIN.test(login)) {
    throw new SignInError(
      `The provider's ${settings.loginClaim} claim is no login this server can use (letters, digits and . _ @ -, at most 64); ask an administrator`,
    );
  }
  const displayName = (text(claims[settings.nameClaim]) ?? login).slice(0, 200);
  const email = text(claims[settings.emailClaim])?.slice(0, 320) ?? null;
  return { login, displayName, email, externalId: subject };
}

/**
 * The SSO account of a verified sign-in, made or brought up to date inside the caller's
 * transaction. The account is found by the provider's subject; a new subject becomes an account
 * only under a login nobody has, so a provider can never take over a local, LDAP or other SSO
 * account.
 */
export async function signedInAccount(
  store: Store,
  settings: OidcSettings,
  claims: Claims,
  actor: Actor,
  now: Date,
): Promise<User> {
  const subject = text(claims.sub);
  if (subject === null) throw new SignInError('The provider named no subject (sub)');
  const profile = profileOf(settings, claims, subject);
  const change: OutsideChange = { store, actor, now, source: 'oidc' };
  const existing = new Set((await store.groups.list()).map((group) => group.id));
  const held = groupValues(claims[settings.groupsClaim]);
  const groups = mappedGroups(settings.groupMap, (each) => held.has(each.claimValue), existing);
  const known = await store.users.getByExternalId('oidc', subject);
  if (known) {
    const clash = await store.users.getWithSecretByLogin(profile.login);
    // The provider renamed the user to a login someone else has: keep the old one.
    const kept = clash && clash.id !== known.id ? { ...profile, login: known.login } : profile;
    return (await refreshOutsideAccount(change, known, kept, groups)).after;
  }
  if (await store.users.getWithSecretByLogin(profile.login)) {
    throw new SignInError(
      `An account with the login '${profile.login}' exists already and does not sign in with the provider; ask an administrator`,
    );
  }
  if (!settings.createUsers) {
    throw new SignInError(`There is no account for '${profile.login}' here; ask an administrator`);
  }
  const created = await createOutsideAccount(change, profile, groups, false);
  if (!created) throw new SignInError('The sign-in met another one of the same login; try again');
  return created;
}
