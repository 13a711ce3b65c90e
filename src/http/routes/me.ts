import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PERMISSIONS, plannerAccess } from '../../domain/permissions.ts';
import type { User } from '../../domain/user.ts';
import { PasswordChangeInput } from '../../domain/user-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

/** Who the caller is and what they may do. */
export const MeSchema = Type.Object({
  id: Type.String(),
  login: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Type.String(), { description: 'Held directly or through groups' }),
  can: Type.Object({
    usePlanner: Type.Boolean(),
    administerTasks: Type.Boolean(),
    manageUsers: Type.Boolean(),
  }),
  authenticatedBy: Type.String({ description: 'session, token or basic' }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'With a session cookie, send this in X-CSRF-Token on every change',
  }),
});

/** The /me answer for a user. */
export function meView(
  user: User,
  permissions: ReadonlySet<string>,
  via: string,
  csrfToken: string | null,
) {
  const planner = plannerAccess(permissions);
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    email: user.email,
    permissions: [...permissions].sort(),
    can: {
      usePlanner: planner.use,
      administerTasks: planner.admin,
      manageUsers: permissions.has(PERMISSIONS.usersManage),
    },
    authenticatedBy: via,
    csrfToken,
  };
}

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
