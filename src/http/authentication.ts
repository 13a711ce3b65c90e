import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authentication, Credentials } from '../auth/authenticator.ts';
import type { Caller } from '../auth/caller.ts';
import { AppError } from '../domain/errors.ts';
import type { Services } from '../services.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authentication | null;
  }
  interface FastifyContextConfig {
    /** The route answers without authentication (the others answer 401 before anything else). */
    public?: boolean;
  }
}

/** The name of the session cookie. */
export const SESSION_COOKIE = 'taskplanner_session';

/** How the session cookie is set: for the whole site, out of scripts' reach, sent on top-level navigations. */
export function sessionCookieOptions(https: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: https } as const;
}
/** The header a browser session must send with every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The routes that need a login live here; those outside (health, hooks, documentation, UI) do not. */
const API_PREFIX = '/api/v1/';

/** A route as Fastify's onRoute hook and request.routeOptions show it. */
interface RouteLike {
  url?: string | undefined;
  config?: { public?: boolean } | undefined;
}

/**
 * Whether a route answers without authentication: every route outside /api/v1, and those in it
 * that say `config: { public: true }`. The one rule both the authentication hook and the
 * OpenAPI document (security: []) follow.
 */
export function isPublicRoute(route: RouteLike): boolean {
  return !(route.url ?? '').startsWith(API_PREFIX) || route.config?.public === true;
}

/**
 * Authenticates every API request (cookie, Bearer token or Basic) and, for cookie
 * sessions, demands the CSRF token on requests that change state.
 */
export function registerAuthentication(app: FastifyInstance, services: Services): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    // A request no route answers is judged by its URL: under /api/v1 it needs a login first.
    const url = request.routeOptions.url ?? request.url;
    if (!url.startsWith(API_PREFIX)) return;
    request.auth = await services.authenticator.authenticate(credentialsOf(request));
    if (!request.auth && !isPublicRoute({ url, config: request.routeOptions.config })) {
      throw new AppError('UNAUTHENTICATED', 'Log in, or send an API token');
    }
    requirePasswordChanged(request.auth, `${request.method} ${url}`);
    const session = request.auth?.session;
    if (
      session &&
      !SAFE_METHODS.has(request.method) &&
      !sameSecret(request.headers[CSRF_HEADER], session.csrfToken)
    ) {
      throw new AppError(
        'CSRF_TOKEN_INVALID',
        `Send the session's CSRF token in the ${CSRF_HEADER} header`,
      );
    }
  });
}

/** What a user whose password someone else chose may still do: see who they are, change it, leave. */
const BEFORE_PASSWORD_CHANGE = new Set([
  'GET /api/v1/me',
  'PUT /api/v1/me/password',
  'POST /api/v1/session',
  'DELETE /api/v1/session',
]);

/** Throws PASSWORD_CHANGE_REQUIRED for anything else while the caller's password is not their own. */
function requirePasswordChanged(auth: Authentication | null, route: string): void {
  if (auth?.caller.user?.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(route)) {
    throw new AppError(
      'PASSWORD_CHANGE_REQUIRED',
      'Your password was chosen by someone else: change it first (PUT /api/v1/me/password)',
    );
  }
}

/** What a request proves its caller with: session cookie, Authorization header, address. */
export function credentialsOf(request: FastifyRequest): Credentials {
  return {
    sessionToken: request.cookies[SESSION_COOKIE],
    authorization: request.headers.authorization,
    address: request.ip,
  };
}

/** The authenticated caller, or UNAUTHENTICATED. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.auth) throw new AppError('UNAUTHENTICATED', 'Log in, or send an API token');
  return request.auth.caller;
}

/** Compares a sent secret with the expected one in constant time. */
function sameSecret(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
