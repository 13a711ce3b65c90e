import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePlanner } from '../../auth/caller.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

/**
 * /api/v1/folders: the folders an administrator allows, read-only, for whoever builds tasks:
 * a file or folder a task names outside them is refused when the task is saved.
 */
export function folderRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '',
      {
        schema: {
          tags: ['components'],
          summary: 'List the allowed folders, which files and folders of tasks must lie inside',
          response: responses({
            200: Type.Object({
              items: Type.Array(Type.String(), {
                description: 'Absolute real paths; empty while an administrator allowed none',
              }),
            }),
          }),
        },
      },
      async (request) => {
        requirePlanner(callerOf(request));
        return { items: (await services.settings.recent()).folderRoots };
      },
    );
  };
}
