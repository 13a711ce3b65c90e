import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

const PermissionList = Type.Object({
  items: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
});

/** /api/v1/permissions: the permissions a user or group can be granted. */
export function permissionRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '',
      {
        schema: {
          tags: ['users'],
          summary: 'List the known permissions',
          response: responses({ 200: PermissionList }),
        },
      },
      async (request) => {
        callerOf(request);
        return { items: services.catalog.list() };
      },
    );
  };
}
