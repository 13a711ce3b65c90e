import { randomUUID } from 'node:crypto';
import { auditEvent } from '../domain/audit.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { PERMISSIONS } from '../domain/permissions.ts';
import type { ApiToken } from '../domain/user.ts';
import type { Store } from '../store/store.ts';
import type { Caller } from './caller.ts';
import { requireUserWithin } from './grant-limits.ts';
import { isWorthRecording } from './last-use.ts';
import { hashSecretToken, newSecretToken } from './secret-token.ts';

/** The prefix of personal API tokens, so they are recognisable (and findable by secret scanners). */
export const API_TOKEN_PREFIX = 'tpat';

/** Personal API tokens: created (shown once), listed, revoked, and resolved on each request. */
export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /**
   * Whose tokens the caller may handle: their own, or, with users.manage, those of a user who
   * holds nothing the caller lacks (a token is as good as the account).
   */
  async #requireSelfOrManaged(caller: Caller, userId: string): Promise<void> {
    if (caller.user?.id === userId) return;
    if (!caller.permissions.has(PERMISSIONS.usersManage)) throw notFound('User');
    const user = await this.store.users.get(userId);
    if (!user) throw notFound('User');
    await requireUserWithin(this.store, caller, user);
  }

  async create(
    caller: Caller,
    userId: string,
    input: { name: string; expiresAt?: Date | null },
  ): Promise<{ token: ApiToken; secret: string }> {
    await this.#requireSelfOrManaged(caller, userId);
    const user = await this.store.users.get(userId);
    if (!user) throw notFound('User');
    const now = this.now();
    if (input.expiresAt && input.expiresAt <= now) {
      throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', {
        issues: [{ path: '/expiresAt', message: 'must be in the future' }],
      });
    }
    const secret = newSecretToken(API_TOKEN_PREFIX);
    const token: ApiToken = {
      id: randomUUID(),
      userId,
      name: input.name.trim(),
      prefix: secret.slice(0, API_TOKEN_PREFIX.length + 7),
      createdAt: now,
      lastUsedAt: null,
      expiresAt: input.expiresAt ?? null,
    };
    await this.store.transaction(async (store) => {
      await store.apiTokens.insert(token, hashSecretToken(secret));
      await store.audit.append(
        auditEvent(caller.actor, now, 'token.create', 'token', token.id, {
          userId,
          name: token.name,
        }),
      );
    });
    return { token, secret };
  }

  async list(caller: Caller, userId: string): Promise<ApiToken[]> {
    await this.#requireSelfOrManaged(caller, userId);
    return this.store.apiTokens.listForUser(userId);
  }

  async revoke(caller: Caller, userId: string, tokenId: string): Promise<void> {
    await this.#requireSelfOrManaged(caller, userId);
    await this.store.transaction(async (store) => {
      if (!(await store.apiTokens.delete(tokenId, userId))) throw notFound('Token');
      await store.audit.append(
        auditEvent(caller.actor, this.now(), 'token.revoke', 'token', tokenId, { userId }),
      );
    });
  }

  /** The token a secret belongs to, if it is still valid; records its use. */
  async resolve(secret: string): Promise<ApiToken | undefined> {
    if (!secret.startsWith(`${API_TOKEN_PREFIX}_`) || secret.length > 200) return undefined;
    const token = await this.store.apiTokens.findByHash(hashSecretToken(secret));
    const now = this.now();
    if (!token || (token.expiresAt && token.expiresAt <= now)) return undefined;
    if (isWorthRecording(token.lastUsedAt, now)) {
      await this.store.apiTokens.touch(token.id, now);
      return { ...token, lastUsedAt: now };
    }
    return token;
  }
}
