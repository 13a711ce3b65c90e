import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import { SESSION_COOKIE, sessionCookieOptions } from '../authentication.ts';
import { MeSchema, responses } from '../schemas.ts';
import { meView } from '../views.ts';

const LoginInput = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

/** /api/v1/session: log in with a password (sets the session cookie) and log out. */
export function sessionRoutes(
  services: Services,
  config: Pick<Config, 'https'>,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['session'];
    const cookie = sessionCookieOptions(config.https);

    app.post(
      '',
      {
        schema: {
          tags,
          summary: 'Log in; sets an HttpOnly session cookie',
          body: LoginInput,
          response: responses({ 200: MeSchema }),
        },
        config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const login = await services.logins.login(request.body.login, request.body.password, {
          address: request.ip,
          userAgent: request.headers['user-agent'] ?? '',
        });
        reply.setCookie(SESSION_COOKIE, login.token, cookie);
        return meView(login.user, login.permissions, 'session', login.session.csrfToken);
      },
    );

    app.delete(
      '',
      {
        schema: {
          tags,
          summary: 'Log out',
          response: responses({ 204: Type.Null() }),
        },
        config: { public: true },
      },
      async (request, reply) => {
        const auth = request.auth;
        if (auth?.session) await services.logins.logout(auth.caller.actor, auth.session);
        reply.clearCookie(SESSION_COOKIE, cookie);
        return reply.status(204).send(null);
      },
    );
  };
}
