import type { Kysely, Selectable } from 'kysely';
import type { ApiToken } from '../../domain/user.ts';
import type { ApiTokenRepository } from '../store.ts';
import type { Database } from './schema.ts';

function fromRow(row: Selectable<Database['api_tokens']>): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
  };
}

/** API tokens in a SQL database, shared by both dialects. */
export class SqlApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: ApiToken, tokenHash: string): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        user_id: token.userId,
        name: token.name,
        token_hash: tokenHash,
        prefix: token.prefix,
        created_at: token.createdAt.getTime(),
        last_used_at: token.lastUsedAt?.getTime() ?? null,
        expires_at: token.expiresAt?.getTime() ?? null,
      })
      .execute();
  }

  async listForUser(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async findByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async touch(id: string, lastUsedAt: Date): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: lastUsedAt.getTime() })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('api_tokens')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteForUser(userId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('api_tokens')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
