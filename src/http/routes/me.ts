import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PasswordChangeInput } from '../../domain/user-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { MeSchema, responses } from '../schemas.ts';
import { meView } from '../views.ts';

/** /api/v1/me: the caller's own account. */
export function meRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['me'];
    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'Who am I, and what may I do',
          response: responses({ 200: MeSchema }),
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const auth = request.auth;
        if (!caller.user || !auth) throw new Error('an authenticated request has a user');
        return meView(caller.user, caller.permissions, auth.via, auth.session?.csrfToken ?? null);
      },
    );

    app.put(
      '/password',
      {
        schema: {
          tags,
          summary: 'Change my password (ends my sessions)',
          body: PasswordChangeInput,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        await services.users.changeOwnPassword(callerOf(request), request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
