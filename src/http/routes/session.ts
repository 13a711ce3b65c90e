import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { auditEvent } from '../../domain/audit.ts';
import type { Config } from '../../config.ts';
import type { Services } from '../../services.ts';
import { SESSION_COOKIE } from '../authentication.ts';
import { responses } from '../schemas.ts';
import { meView, MeSchema } from './me.ts';

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
  config: Pick<Config, 'secureCookies'>,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['session'];
    const cookie = {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
    } as const;

    app.post(
      '',
      {
        schema: {
          tags,
          summary: 'Log in; sets an HttpOnly session cookie',
          body: LoginInput,
          response: responses({ 200: MeSchema }),
        },
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (request, reply) => {
        const user = await services.credentials.verify(
          request.body.login,
          request.body.password,
          request.ip,
        );
        const { token, session } = await services.sessions.start(user, {
          address: request.ip,
          userAgent: request.headers['user-agent'] ?? '',
        });
        const actor = { userId: user.id, login: user.login, address: request.ip };
        await services.store.audit.append(
          auditEvent(actor, 'session.login', 'session', user.id),
          session.createdAt,
        );
        reply.setCookie(SESSION_COOKIE, token, cookie);
        const permissions = await services.store.users.effectivePermissions(user.id);
        return meView(user, permissions, 'session', session.csrfToken);
      },
    );

    app.delete(
      '',
      { schema: { tags, summary: 'Log out', response: responses({ 204: Type.Null() }) } },
      async (request, reply) => {
        const session = request.auth?.session;
        if (session) await services.sessions.end(session.id);
        reply.clearCookie(SESSION_COOKIE, cookie);
        return reply.status(204).send(null);
      },
    );
  };
}
