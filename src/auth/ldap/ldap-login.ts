import type { Actor } from '../../domain/audit.ts';
import { AppError } from '../../domain/errors.ts';
import type { UserWithSecret } from '../../domain/user.ts';
import type { LdapSettingsService } from '../../settings/ldap-settings-service.ts';
import type { Store } from '../../store/store.ts';
import { DirectoryAccounts } from './directory-accounts.ts';
import { DirectoryUnavailableError } from './ldap-connection.ts';
import { LdapDirectory } from './ldap-directory.ts';

/** A directory's answer to a login: the account, nobody (wrong or unknown), or no directory. */
export type DirectoryVerdict = UserWithSecret | 'refused' | 'no-directory';

/**
 * Logs users in against the LDAP directory: the password is checked by binding as the user,
 * then the local account is made or brought up to date (name, e-mail, mapped groups, disabled)
 * before the login goes on, so a login always sees what the directory says now.
 */
export class LdapLogin {
  constructor(
    private readonly store: Store,
    private readonly settings: LdapSettingsService,
    private readonly now: () => Date,
  ) {}

  async verify(login: string, password: string, address: string): Promise<DirectoryVerdict> {
    const settings = await this.settings.current();
    if (!settings) return 'no-directory';
    const vouched = await new LdapDirectory(settings)
      .authenticate(login, password)
      .catch(unavailable);
    if (!vouched) return 'refused';
    const actor: Actor = { userId: null, login: vouched.entry.login, address };
    const outcome = await this.store.transaction((store) =>
      new DirectoryAccounts(store, settings.groupMap, actor, this.now()).apply(
        vouched.entry,
        vouched.directoryGroups,
      ),
    );
    if (!outcome.user || outcome.user.disabled) return 'refused';
    return { ...outcome.user, passwordHash: null };
  }
}

function unavailable(error: unknown): never {
  if (!(error instanceof DirectoryUnavailableError)) throw error;
  throw new AppError(
    'DIRECTORY_UNAVAILABLE',
    'The directory that checks this password cannot be used right now; local accounts can still log in. The server log says why.',
    { cause: error },
  );
}
