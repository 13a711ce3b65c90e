import type { Kysely, Selectable } from 'kysely';
import type { AuditEvent } from '../../domain/audit.ts';
import type { AuditRepository, Page } from '../store.ts';
import { decodeCursor, toPage } from './cursor.ts';
import type { Database } from './schema.ts';

function fromRow(row: Selectable<Database['audit_events']>): AuditEvent {
  return {
    id: row.id,
    at: new Date(row.at),
    actorId: row.actor_id,
    actorLogin: row.actor_login,
    address: row.address,
    action: row.action,
    objectType: row.object_type as AuditEvent['objectType'],
    objectId: row.object_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** The audit log in a SQL database, shared by both dialects; rows are only ever inserted. */
export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: event.id,
        at: event.at.getTime(),
        actor_id: event.actorId,
        actor_login: event.actorLogin,
        address: event.address,
        action: event.action,
        object_type: event.objectType,
        object_id: event.objectId,
        details: JSON.stringify(event.details),
      })
      .execute();
  }

  async between(from: Date, to: Date, limit: number): Promise<AuditEvent[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('at', '>=', from.getTime())
      .where('at', '<', to.getTime())
      .orderBy('at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async list(query: {
    objectType?: string;
    objectId?: string;
    actorId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditEvent>> {
    let select = this.db.selectFrom('audit_events').selectAll();
    if (query.objectType !== undefined) select = select.where('object_type', '=', query.objectType);
    if (query.objectId !== undefined) select = select.where('object_id', '=', query.objectId);
    if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
    if (query.cursor !== undefined) {
      const before = decodeCursor(query.cursor, 'audit', 'number');
      select = select.where((eb) =>
        eb.or([
          eb('at', '<', Number(before.value)),
          eb.and([eb('at', '=', Number(before.value)), eb('id', '<', before.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return toPage(rows, query.limit, fromRow, {
      scope: 'audit',
      positionOf: (row) => ({ value: row.at, id: row.id }),
    });
  }
}
