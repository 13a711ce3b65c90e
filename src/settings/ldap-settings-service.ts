import { auditEvent } from '../domain/audit.ts';
import { AppError, validationError, type FieldIssue } from '../domain/errors.ts';
import { LdapSettingsInput } from '../domain/ldap-schema.ts';
import type { LdapSettings } from '../domain/ldap-settings.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import { compileValidator } from '../domain/validation.ts';
import { requirePermission, type Caller } from '../auth/caller.ts';
import { requireJoinableGroups } from '../auth/group-service.ts';
import { requireUserWithin } from '../auth/grant-limits.ts';
import { checkDirectory, type DirectoryCheck } from '../auth/ldap/ldap-check.ts';
import {
  MaskedSecretError,
  maskSecrets,
  openSecrets,
  sealSecrets,
} from '../secrets/protect-config.ts';
import { SECRET_MASK, type SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { directoryUsers } from '../auth/ldap/directory-users.ts';

const validateInput = compileValidator(LdapSettingsInput);
const KEY = 'ldap';

/**
 * The LDAP directory users log in with, for holders of settings.manage. The service account's
 * password is stored sealed and shown masked; mapping a directory group to a local group needs
 * every permission of that group, as putting someone into it would.
 */
export class LdapSettingsService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly now: () => Date,
  ) {}

  /** The directory with its password in clear, or null when none is set up. */
  async current(store: Store = this.store): Promise<LdapSettings | null> {
    const stored = await this.#stored(store);
    return stored && (openSecrets(this.box, LdapSettingsInput, stored) as LdapSettings);
  }

  /** The directory as an administrator sees it: the password masked. */
  async get(caller: Caller): Promise<LdapSettings | null> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const stored = await this.#stored(this.store);
    return stored && (maskSecrets(LdapSettingsInput, stored) as LdapSettings);
  }

  async replace(caller: Caller, raw: unknown): Promise<LdapSettings> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const input = validateInput(raw);
    requireEncryption(input);
    const now = this.now();
    return this.store.transaction(async (store) => {
      await requireMappableGroups(store, caller, input);
      const before = await this.#stored(store);
      if (changesWhoUsersAre(before, input)) await requireDirectoryUsersWithin(store, caller);
      const sealed = this.#sealed(input, before);
      await store.settings.set(KEY, sealed, now);
      const details = { url: input.url, bindDn: input.bindDn, groupMap: input.groupMap };
      await store.audit.append(
        auditEvent(caller.actor, now, 'settings.ldap', 'settings', KEY, details),
      );
      return maskSecrets(LdapSettingsInput, sealed) as LdapSettings;
    });
  }

  /** Switches LDAP off: directory accounts can no longer log in (they stay, with their tasks). */
  async remove(caller: Caller): Promise<void> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const now = this.now();
    await this.store.transaction(async (store) => {
      await store.settings.set(KEY, null, now);
      await store.audit.append(
        auditEvent(caller.actor, now, 'settings.ldap', 'settings', KEY, { removed: true }),
      );
    });
  }

  /** Tries the stored directory as a sync would read it. */
  async test(caller: Caller): Promise<DirectoryCheck> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const settings = await this.current();
    if (!settings) return { ok: false, message: 'no LDAP directory is set up' };
    return checkDirectory(settings);
  }

  #sealed(input: LdapSettingsInput, before: LdapSettings | null): LdapSettings {
    const sameServer =
      before !== null && before.url === input.url && before.bindDn === input.bindDn;
    // The stored password goes only to the server and account it was given for.
    const keep = sameServer && before.bindPassword !== '' ? SECRET_MASK : undefined;
    const bindPassword = input.bindPassword ?? keep;
    if (bindPassword === undefined || (bindPassword === SECRET_MASK && !sameServer)) {
      throw validationError([
        { path: '/bindPassword', message: 'is needed for a new directory URL or service account' },
      ]);
    }
    try {
      return sealSecrets(
        this.box,
        LdapSettingsInput,
        { ...input, bindPassword },
        before,
      ) as LdapSettings;
    } catch (error) {
      if (!(error instanceof MaskedSecretError)) throw error;
      throw validationError([{ path: '/bindPassword', message: 'no stored password to keep' }]);
    }
  }

  async #stored(store: Store): Promise<LdapSettings | null> {
    return ((await store.settings.get(KEY)) as LdapSettings | null | undefined) ?? null;
  }
}

/** Passwords travel encrypted unless an administrator said otherwise. */
function requireEncryption(input: LdapSettingsInput): void {
  if (input.url.startsWith('ldaps://') || input.startTls || input.allowPlaintext) return;
  throw validationError([
    {
      path: '/url',
      message:
        'ldap:// without StartTLS would send passwords unencrypted: use ldaps://, startTls, or allowPlaintext',
    },
  ]);
}

/** The fields that decide which directory entry a login is: changing them hands over accounts. */
const IDENTITY_FIELDS = ['url', 'userBase', 'userFilter', 'loginAttribute'] as const;

function changesWhoUsersAre(before: LdapSettings | null, input: LdapSettingsInput): boolean {
  return before === null || IDENTITY_FIELDS.some((field) => before[field] !== input[field]);
}

/**
 * Whoever points logins at another directory (or other entries of it) decides who the
 * directory accounts are, so they must hold everything those accounts hold.
 */
async function requireDirectoryUsersWithin(store: Store, caller: Caller): Promise<void> {
  for (const user of await directoryUsers(store)) {
    try {
      await requireUserWithin(store, caller, user);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError(error.code, `Changing who the directory's users are: ${error.message}`);
    }
  }
}

/** Every mapped local group exists and the caller could put anyone into it. */
async function requireMappableGroups(
  store: Store,
  caller: Caller,
  input: LdapSettingsInput,
): Promise<void> {
  const groups = new Set((await store.groups.list()).map((group) => group.id));
  const issues: FieldIssue[] = input.groupMap.flatMap((each, index) =>
    groups.has(each.groupId)
      ? []
      : [{ path: `/groupMap/${index}/groupId`, message: 'is not a group' }],
  );
  if (issues.length > 0) throw validationError(issues);
  try {
    await requireJoinableGroups(store, caller, [
      ...new Set(input.groupMap.map((each) => each.groupId)),
    ]);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      error.code,
      `Mapping a directory group to that local group: ${error.message}`,
    );
  }
}
