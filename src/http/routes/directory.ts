import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { requiresPlanner } from '../route-permission.ts';
import { DirectorySchema, responses } from '../schemas.ts';

const DirectoryQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);

/** /api/v1/directory: the users and groups a task can be shared with. */
export function directoryRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preValidation', requiresPlanner);
    app.get(
      '',
      {
        schema: {
          tags: ['tasks'],
          summary: 'Find users and groups to share a task with (names only)',
          querystring: DirectoryQuery,
          response: responses({ 200: DirectorySchema }),
        },
      },
      async (request) =>
        services.directory.search(
          callerOf(request),
          request.query.q ?? '',
          request.query.limit ?? 20,
        ),
    );
  };
}
