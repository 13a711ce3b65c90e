import { auditEvent, type Actor } from '../domain/audit.ts';
import type { Session, User } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import type { CredentialChecker } from './credentials.ts';
import type { SessionManager } from './session-manager.ts';

/** A successful login: the cookie token (kept nowhere else), the session and who logged in. */
export interface Login {
  token: string;
  session: Session;
  user: User;
  permissions: Set<string>;
}

/** Logging in with a password and out again, both audited. */
export class LoginService {
  constructor(
    private readonly store: Store,
    private readonly credentials: CredentialChecker,
    private readonly sessions: SessionManager,
    private readonly now: () => Date,
  ) {}

  async login(
    login: string,
    password: string,
    client: { address: string; userAgent: string },
  ): Promise<Login> {
    const { passwordHash: _secret, ...user } = await this.credentials.verify(
      login,
      password,
      client.address,
    );
    return this.store.transaction(async (store) => {
      const { token, session } = await this.sessions.withStore(store).start(user, client);
      const actor = { userId: user.id, login: user.login, address: client.address };
      await store.audit.append(auditEvent(actor, session.createdAt, 'user.login', 'user', user.id));
      return { token, session, user, permissions: await store.users.effectivePermissions(user.id) };
    });
  }

  async logout(actor: Actor, session: Session): Promise<void> {
    const at = this.now();
    await this.store.transaction(async (store) => {
      await this.sessions.withStore(store).end(session.id);
      await store.audit.append(auditEvent(actor, at, 'user.logout', 'user', session.userId));
    });
  }
}
