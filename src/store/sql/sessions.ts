import type { Kysely, Selectable } from 'kysely';
import type { Session } from '../../domain/user.ts';
import type { SessionRepository } from '../store.ts';
import type { Database } from './schema.ts';

function fromRow(row: Selectable<Database['sessions']>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    lastSeenAt: new Date(row.last_seen_at),
  };
}

/** Sessions in a SQL database, shared by both dialects. */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: Session, details: { address: string; userAgent: string }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        address: details.address,
        user_agent: details.userAgent.slice(0, 500),
        created_at: session.createdAt.getTime(),
        expires_at: session.expiresAt.getTime(),
        last_seen_at: session.lastSeenAt.getTime(),
      })
      .execute();
  }

  async get(id: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt.getTime(), expires_at: expiresAt.getTime() })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
