import { AppError } from '../domain/errors.ts';
import { loginKey, type Session, type User } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import { userCaller, type Caller } from './caller.ts';
import type { CredentialChecker } from './credentials.ts';
import type { SessionManager } from './session-manager.ts';
import { API_TOKEN_PREFIX, type TokenService } from './token-service.ts';

/** How a request proved who it is. */
export interface Authentication {
  caller: Caller;
  via: 'session' | 'token' | 'basic';
  /** Set when authenticated by the session cookie (then state changes need the CSRF token). */
  session: Session | null;
}

/** What a request offers as proof of identity. */
export interface Credentials {
  sessionToken: string | undefined;
  authorization: string | undefined;
  address: string;
}

/** Turns a request's cookie or Authorization header into a caller. */
export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionManager,
    private readonly tokens: TokenService,
    private readonly credentials: CredentialChecker,
    private readonly options: { httpBasic: boolean },
  ) {}

  /** The authentication, null when none is offered; throws UNAUTHENTICATED for a bad header. */
  async authenticate(request: Credentials): Promise<Authentication | null> {
    if (request.authorization !== undefined)
      return this.#fromHeader(request.authorization, request.address);
    if (request.sessionToken === undefined) return null;
    const session = await this.sessions.resolve(request.sessionToken);
    if (!session) return null;
    const caller = await this.#callerFor(session.userId, request.address);
    return caller ? { caller, via: 'session', session } : null;
  }

  async #fromHeader(header: string, address: string): Promise<Authentication> {
    const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === 'bearer') {
      const token = await this.tokens.resolve(value);
      const caller = token && (await this.#callerFor(token.userId, address));
      if (!caller) throw new AppError('UNAUTHENTICATED', 'The API token is not valid');
      return { caller, via: 'token', session: null };
    }
    if (scheme.toLowerCase() === 'basic') return this.#fromBasic(value, address);
    throw new AppError(
      'UNAUTHENTICATED',
      `Unsupported authorization scheme '${scheme.slice(0, 20)}'`,
    );
  }

  /** HTTP Basic with login and password, or login and an API token as the password. */
  async #fromBasic(encoded: string, address: string): Promise<Authentication> {
    if (!this.options.httpBasic) {
      throw new AppError(
        'UNAUTHENTICATED',
        'HTTP Basic authentication is switched off; use a Bearer token',
      );
    }
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new AppError('UNAUTHENTICATED', 'Malformed Basic credentials');
    const login = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = password.startsWith(`${API_TOKEN_PREFIX}_`)
      ? await this.#userOfToken(password, login)
      : await this.credentials.verify(login, password, address);
    const caller = await this.#callerFor(user.id, address);
    if (!caller) throw new AppError('UNAUTHENTICATED', 'Login or password is wrong');
    return { caller, via: 'basic', session: null };
  }

  async #userOfToken(secret: string, login: string): Promise<User> {
    const token = await this.tokens.resolve(secret);
    const user = token && (await this.store.users.get(token.userId));
    if (!user || loginKey(user.login) !== loginKey(login)) {
      throw new AppError('UNAUTHENTICATED', 'The API token is not valid');
    }
    return user;
  }

  /** The caller for an enabled user with their current permissions; undefined otherwise. */
  async #callerFor(userId: string, address: string): Promise<Caller | undefined> {
    const user = await this.store.users.get(userId);
    if (!user || user.disabled) return undefined;
    return userCaller(user, await this.store.users.effectivePermissions(user.id), address);
  }
}
