import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.ts';
import { requirePlanner } from '../../auth/caller.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

const ComponentKindSchema = Type.Object({
  category: Type.Union([
    Type.Literal('trigger'),
    Type.Literal('job'),
    Type.Literal('action'),
    Type.Literal('series'),
  ]),
  kind: Type.String(),
  title: Type.String(),
  description: Type.String(),
  configSchema: Type.Unknown({
    description: 'JSON Schema of the config; the UI renders a form from it',
  }),
  permission: Type.Union([Type.String(), Type.Null()], {
    description: 'What using this kind needs',
  }),
  allowed: Type.Boolean({ description: 'Whether the caller holds that permission' }),
  produces: Type.Optional(
    Type.Array(Type.String(), { description: 'Jobs: the result types they produce' }),
  ),
  accepts: Type.Optional(
    Type.Array(Type.String(), { description: 'Actions: the result types they take' }),
  ),
});

/** /api/v1/components: the trigger, job, action and series kinds this server knows. */
export function componentRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '',
      {
        schema: {
          tags: ['components'],
          summary: 'List the component kinds, their config schemas, and whether I may use them',
          response: responses({ 200: Type.Object({ items: Type.Array(ComponentKindSchema) }) }),
        },
      },
      async (request) => {
        const caller = callerOf(request);
        requirePlanner(caller);
        const items = services.registry.list().map((kind) => ({
          category: kind.category,
          kind: kind.kind,
          title: kind.title,
          description: kind.description,
          configSchema: kind.configSchema,
          permission: kind.permission ?? null,
          allowed: kind.permission === undefined || caller.permissions.has(kind.permission),
          ...(kind.category === 'job' ? { produces: [...kind.produces] } : {}),
          ...(kind.category === 'action' ? { accepts: [...kind.accepts] } : {}),
        }));
        return { items };
      },
    );
  };
}
