import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PasswordChangeInput } from '../../domain/user-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { MeSchema, responses } from '../schemas.ts';
import { accountView, meView } from '../views.ts';

/** /me: who the caller is, and where their permissions come from. */
const AccountSchema = Type.Composite([
  MeSchema,
  Type.Object({
    directPermissions: Type.Array(Type.String(), { description: 'Granted to the user directly' }),
    groups: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        role: Type.Boolean(),
        permissions: Type.Array(Type.String()),
      }),
      { description: 'The groups the user is a member of, roles first, with their permissions' },
    ),
  }),
]);

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
          response: responses({ 200: AccountSchema }),
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const auth = request.auth;
        if (!caller.user || !auth) throw new Error('an authenticated request has a user');
        const me = meView(
          caller.user,
          caller.permissions,
          auth.via,
          auth.session?.csrfToken ?? null,
        );
        return accountView(me, caller.user, await services.store.groups.list());
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
