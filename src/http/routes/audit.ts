import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/caller.ts';
import type { AuditEvent } from '../../domain/audit.ts';
import { PERMISSIONS } from '../../domain/permissions.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { PageSchema, responses } from '../schemas.ts';

const AuditQuery = Type.Object(
  {
    objectType: Type.Optional(
      Type.Union(
        ['task', 'user', 'group', 'token', 'session', 'settings', 'data-source', 'mail'].map(
          (type) => Type.Literal(type),
        ),
      ),
    ),
    objectId: Type.Optional(Type.String({ maxLength: 64 })),
    actorId: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLogin: Type.String(),
  address: Type.String(),
  action: Type.String({ description: 'e.g. task.update, user.create, token.revoke' }),
  objectType: Type.String(),
  objectId: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

function auditView(event: AuditEvent) {
  return { ...event, at: event.at.toISOString() };
}

/** /api/v1/audit: the audit log, newest first, for holders of audit.read. */
export function auditRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '',
      {
        schema: {
          tags: ['audit'],
          summary: 'Read the audit log, newest first',
          querystring: AuditQuery,
          response: responses({ 200: PageSchema(AuditEventSchema) }),
        },
      },
      async (request) => {
        requirePermission(callerOf(request), PERMISSIONS.auditRead);
        const { limit, ...filters } = request.query;
        const page = await services.store.audit.list({ limit: limit ?? 100, ...filters });
        return { items: page.items.map(auditView), nextCursor: page.nextCursor };
      },
    );
  };
}
