import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GrantsInput } from '../../domain/grant-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { requiresPlanner } from '../route-permission.ts';
import { GrantListSchema, IdParams, responses } from '../schemas.ts';

/** /api/v1/tasks/{id}/grants: who besides the owner may view, run, edit or manage a task. */
export function taskGrantRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { grants } = services;
  return async (app) => {
    const tags = ['tasks'];
    app.addHook('preValidation', requiresPlanner);

    app.get(
      '/:id/grants',
      {
        schema: {
          tags,
          summary: "A task's rights list (anyone who may see the task)",
          params: IdParams,
          response: responses({ 200: GrantListSchema }),
        },
      },
      async (request) => ({ grants: await grants.list(callerOf(request), request.params.id) }),
    );

    app.put(
      '/:id/grants',
      {
        schema: {
          tags,
          summary: "Replace a task's rights list (owner, manage level, administrators)",
          params: IdParams,
          body: GrantsInput,
          response: responses({ 200: GrantListSchema }),
        },
      },
      async (request) => ({
        grants: await grants.replace(callerOf(request), request.params.id, request.body),
      }),
    );
  };
}
