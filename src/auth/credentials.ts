import { AppError } from '../domain/errors.ts';
import type { UserWithSecret } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import { LoginThrottle } from './login-throttle.ts';
import { MAX_PASSWORD_LENGTH, verifyAgainstDummy, verifyPassword } from './password.ts';

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

  /** The user, or INVALID_CREDENTIALS / TOO_MANY_ATTEMPTS. */
  async verify(login: string, password: string, address: string): Promise<UserWithSecret> {
    const loginKey = [login.trim().toLowerCase()];
    this.#byLogin.check(loginKey);
    this.#byAddress.check([address]);
    const user = await this.store.users.getWithSecretByLogin(login);
    const valid =
      user?.passwordHash && password.length <= MAX_PASSWORD_LENGTH
        ? await verifyPassword(password, user.passwordHash)
        : await verifyAgainstDummy(password);
    if (!user || !valid) {
      this.#byLogin.recordFailure(loginKey);
      this.#byAddress.recordFailure([address]);
      throw new AppError('INVALID_CREDENTIALS', 'Login or password is wrong');
    }
    if (user.disabled) throw new AppError('INVALID_CREDENTIALS', 'This account is disabled');
    this.#byLogin.recordSuccess(loginKey);
    return user;
  }
}
