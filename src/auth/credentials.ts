import { AppError } from '../domain/errors.ts';
import { LOGIN_PATTERN, loginKey, type UserWithSecret } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import { LoginThrottle } from './login-throttle.ts';
import { MAX_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './password.ts';

const LOGIN = new RegExp(LOGIN_PATTERN);

/**
 * Checks a login and password, throttling guesses per login and, more loosely,
 * per client address (many people may share one address).
 */
export class CredentialChecker {
  readonly #byLogin: LoginThrottle;
  readonly #byAddress: LoginThrottle;

  constructor(
    private readonly store: Store,
    now: () => number,
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
    const valid =
      user?.passwordHash && password.length <= MAX_PASSWORD_LENGTH
        ? await verifyPassword(password, user.passwordHash)
        : await verifyAgainstDummy(password);
    if (!user || !valid || user.disabled) {
      throw new AppError('INVALID_CREDENTIALS', 'Login or password is wrong');
    }
    this.#byLogin.recordSuccess(loginKeys);
    this.#byAddress.succeeded([address]);
    return user;
  }
}
