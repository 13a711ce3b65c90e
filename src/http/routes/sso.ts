import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';
import { SignInError } from '../../auth/oidc/sign-in-error.ts';
import { SIGN_IN_MS } from '../../auth/oidc/sign-in-state.ts';
import type { Services } from '../../services.ts';
import { SESSION_COOKIE, sessionCookieOptions } from '../authentication.ts';
import { responses } from '../schemas.ts';

/** The cookie that carries a sign-in's sealed state from its start to its return. */
const STATE_COOKIE = 'taskplanner_sso';
const PREFIX = '/api/v1/session/oidc';
// Per address: generous, since a whole office may come from one address on a Monday morning;
// there is no password to guess here, only the provider's codes and the sealed state.
const THROTTLE = { max: 300, timeWindow: '1 minute' };

/** Back to the UI with the reason a sign-in did not work, which the login page shows. */
function toLoginWith(reply: FastifyReply, log: FastifyBaseLogger, error: unknown): FastifyReply {
  if (!(error instanceof SignInError)) throw error;
  log.warn({ err: error }, 'single sign-on failed');
  return reply.redirect(`/?ssoError=${encodeURIComponent(error.message)}`, 303);
}

/**
 * /api/v1/session/oidc: single sign-on with the OpenID provider. The browser starts here, goes
 * to the provider, and comes back to /callback, which logs it in with a session cookie.
 */
export function ssoRoutes(
  services: Services,
  config: Pick<Config, 'https'>,
): FastifyPluginAsyncTypebox {
  const { sso } = services;
  const cookie = sessionCookieOptions(config.https);
  const stateCookie = { ...cookie, path: PREFIX };
  return async (app) => {
    const tags = ['session'];

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'Whether single sign-on is set up, and the name its button shows',
          response: responses({
            200: Type.Object({
              enabled: Type.Boolean(),
              name: Type.Union([Type.String(), Type.Null()]),
            }),
          }),
        },
        config: { public: true },
      },
      async () => {
        const name = await sso.providerName();
        return { enabled: name !== null, name };
      },
    );

    app.get(
      '/start',
      {
        schema: {
          tags,
          summary: "Begin signing in: redirects to the provider's login page",
          querystring: Type.Object({
            returnTo: Type.Optional(
              Type.String({ maxLength: 2000, description: 'The UI path to come back to' }),
            ),
          }),
          response: { 302: Type.Null(), 303: Type.Null() },
        },
        config: { public: true, rateLimit: THROTTLE },
      },
      async (request, reply) => {
        try {
          const start = await sso.start(request.query.returnTo);
          reply.setCookie(STATE_COOKIE, start.state, { ...stateCookie, maxAge: SIGN_IN_MS / 1000 });
          return reply.redirect(start.location, 302);
        } catch (error) {
          return toLoginWith(reply, request.log, error);
        }
      },
    );

    app.get(
      '/callback',
      {
        schema: {
          tags,
          summary: 'Where the provider sends the browser back: logs it in, then back to the UI',
          response: { 303: Type.Null() },
        },
        config: { public: true, rateLimit: THROTTLE },
      },
      async (request, reply) => {
        reply.clearCookie(STATE_COOKIE, stateCookie);
        try {
          const query = request.url.split('?')[1] ?? '';
          const signedIn = await sso.finish(query, request.cookies[STATE_COOKIE], {
            address: request.ip,
            userAgent: request.headers['user-agent'] ?? '',
          });
          reply.setCookie(SESSION_COOKIE, signedIn.token, cookie);
          return reply.redirect(signedIn.returnTo, 303);
        } catch (error) {
          return toLoginWith(reply, request.log, error);
        }
      },
    );
  };
}
