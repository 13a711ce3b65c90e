import { AppError } from '../domain/errors.ts';
import { LOGIN_PATTERN, loginKey, type UserWithSecret } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import type { DirectoryVerdict } from './ldap/ldap-login.ts';
import { LoginThrottle } from './login-throttle.ts';
import { MAX_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './password.ts';

const LOGIN = new RegExp(LOGIN_PATTERN);

/** Checks the passwords of accounts kept in a directory. */
export interface DirectoryLogins {
  verify(login: string, password: string, address: string): Promise<DirectoryVerdict>;
}

/**
 * Checks a login and password, throttling guesses per login and, more loosely,
 * per client address (many people may share one address). A local account's password is
 * checked here; a login the server does not have, or a directory account, goes to the
 * directory when there is one. So local accounts (the first admin among them) never depend on
 * the directory, and a directory user cannot take over a local login.
 */
export class CredentialChecker {
  readonly #byLogin: LoginThrottle;
  readonly #byAddress: LoginThrottle;

  constructor(
    private readonly store: Store,
    now: () => number,
    private readonly directory?: DirectoryLogins,
  ) {
    this.#byLogin = new LoginThrottle(now, { freeFailures: 5 });
    this.#byAddress = new LoginThrottle(now, { freeFailures: 50 });
  }

  /**
   * The enabled user with this login and password, or INVALID_CREDENTIALS (the same
   * answer for an unknown login, a wrong password and a disabled account), or
   * TOO_MANY_ATTEMPTS.
   */
  async verify(login: string, password: string, address: string): Promise<UserWithSecret> {
    const loginKeys = [loginKey(login)];
    // The address first: a locked address must not use up the login's attempts.
    this.#byAddress.check([address]);
    this.#byLogin.admit(loginKeys);
    this.#byAddress.recordFailure([address]);
    const user = LOGIN.test(login) ? await this.store.users.getWithSecretByLogin(login) : undefined;
    const verified = await this.#check(user, login, password, address);
    if (!verified || verified.disabled) {
      throw new AppError('INVALID_CREDENTIALS', 'Login or password is wrong');
    }
    this.#byLogin.recordSuccess(loginKeys);
    this.#byAddress.succeeded([address]);
    return verified;
  }

  /** Local accounts here, directory accounts and unknown logins at the directory; SSO ones never. */
  async #check(
    user: UserWithSecret | undefined,
    login: string,
    password: string,
    address: string,
  ): Promise<UserWithSecret | null> {
    if (user?.source === 'local') return this.#local(user, password);
    if (user?.source !== 'oidc') return this.#fromDirectory(login, password, address);
    // Signs in with the OpenID provider only; as long as a wrong password takes.
    await verifyAgainstDummy(password);
    return null;
  }

  async #local(user: UserWithSecret, password: string): Promise<UserWithSecret | null> {
    const valid =
      user.passwordHash && password.length <= MAX_PASSWORD_LENGTH
        ? await verifyPassword(password, user.passwordHash)
        : await verifyAgainstDummy(password);
    return valid ? user : null;
  }

  /** A login the server does not have, or a directory account: the directory decides. */
  async #fromDirectory(
    login: string,
    password: string,
    address: string,
  ): Promise<UserWithSecret | null> {
    const verdict =
      this.directory && LOGIN.test(login) && password.length <= MAX_PASSWORD_LENGTH
        ? await this.directory.verify(login, password, address)
        : 'no-directory';
    if (verdict === 'no-directory') {
      // As long as a wrong password takes, so the answer's time tells nothing.
      await verifyAgainstDummy(password);
      return null;
    }
    return verdict === 'refused' ? null : verdict;
  }
}
