import type { Caller } from '../auth/caller.ts';
import { requirePermission } from '../auth/caller.ts';
import { checkDirectory, type DirectoryCheck } from '../auth/ldap/ldap-check.ts';
import { validationError } from '../domain/errors.ts';
import { LdapSettingsInput } from '../domain/ldap-schema.ts';
import type { LdapSettings } from '../domain/ldap-settings.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { IdentitySourceSettings } from './identity-source-settings.ts';

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

/**
 * The LDAP directory users log in with, for holders of settings.manage. The service password
 * goes only to the URL and account it was given for; pointing logins at other entries (URL,
 * user base, filter, login attribute) needs everything the directory accounts hold.
 */
export class LdapSettingsService extends IdentitySourceSettings<
  typeof LdapSettingsInput,
  LdapSettings
> {
  constructor(store: Store, box: SecretBox, now: () => Date) {
    super(store, box, now, {
      key: 'ldap',
      schema: LdapSettingsInput,
      source: 'ldap',
      secretField: 'bindPassword',
      destinationFields: ['url', 'bindDn'],
      identityFields: ['url', 'userBase', 'userFilter', 'loginAttribute'],
      check: requireEncryption,
      auditDetails: (input) => ({ url: input.url, bindDn: input.bindDn, groupMap: input.groupMap }),
    });
  }

  /** Tries the stored directory as a sync would read it. */
  async test(caller: Caller): Promise<DirectoryCheck> {
    requirePermission(caller, PERMISSIONS.settingsManage);
    const settings = await this.current();
    if (!settings) return { ok: false, message: 'no LDAP directory is set up' };
    return checkDirectory(settings);
  }
}
