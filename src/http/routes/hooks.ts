import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.ts';
import { responses } from '../schemas.ts';

const FORM_LIMIT_BYTES = 64 * 1024;
const CALLS_PER_MINUTE = 60;

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 400 }) });

/** Query and body parameters as placeholder values: text only, the last of repeated names. */
function parametersOf(query: unknown, body: unknown): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const source of [query, body]) {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) continue;
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const last: unknown = Array.isArray(value) ? (value as unknown[]).at(-1) : value;
      if (['string', 'number', 'boolean'].includes(typeof last)) merged[name] = String(last);
    }
  }
  return merged;
}

/** /hooks/{token}: the URLs of HTTP triggers; no login, the token is the key. */
export function hookRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    // One route for both methods: one URL shares one allowance of calls.
    app.route({
      method: ['GET', 'POST'],
      url: '/:token',
      bodyLimit: FORM_LIMIT_BYTES,
      config: {
        rateLimit: {
          max: CALLS_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (request) => (request.params as { token?: string }).token ?? request.ip,
        },
      },
      schema: {
        tags: ['hooks'],
        summary:
          'Start a task through its HTTP trigger (GET or POST); parameters become placeholders',
        params: TokenParams,
        response: responses({ 202: Type.Object({ runId: Type.String() }) }),
      },
      handler: async (request, reply) => {
        const parameters = parametersOf(request.query, request.body);
        const runId = await services.hooks.start(request.params.token, request.method, parameters);
        return reply.status(202).header('location', `/api/v1/runs/${runId}`).send({ runId });
      },
    });
  };
}
