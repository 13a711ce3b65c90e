import { randomBytes } from 'node:crypto';
import type { Session, User } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import { isWorthRecording } from './last-use.ts';
import { hashSecretToken, newSecretToken } from './secret-token.ts';

/** Browser sessions: the cookie holds a random token, the store only its hash. */
export class SessionManager {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly lifetimeMs: number,
  ) {}

  /** The same manager working inside the given store (e.g. a transaction). */
  withStore(store: Store): SessionManager {
    return new SessionManager(store, this.now, this.lifetimeMs);
  }

  /** Starts a session (pruning expired ones); the token goes into the cookie and is not kept anywhere. */
  async start(
    user: User,
    details: { address: string; userAgent: string },
  ): Promise<{ token: string; session: Session }> {
    const token = newSecretToken('tps');
    const now = this.now();
    const session: Session = {
      id: hashSecretToken(token),
      userId: user.id,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.lifetimeMs),
    };
    await this.store.sessions.deleteExpired(now);
    await this.store.sessions.insert(session, details);
    return { token, session };
  }

  /** The live session of a cookie token, its expiry pushed forward; undefined when unknown or expired. */
  async resolve(token: string): Promise<Session | undefined> {
    const session = await this.store.sessions.get(hashSecretToken(token));
    if (!session) return undefined;
    const now = this.now();
    if (session.expiresAt <= now) {
      await this.store.sessions.delete(session.id);
      return undefined;
    }
    if (isWorthRecording(session.lastSeenAt, now)) {
      const expiresAt = new Date(now.getTime() + this.lifetimeMs);
      await this.store.sessions.touch(session.id, now, expiresAt);
      return { ...session, lastSeenAt: now, expiresAt };
    }
    return session;
  }

  async end(sessionId: string): Promise<void> {
    await this.store.sessions.delete(sessionId);
  }
}
