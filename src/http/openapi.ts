import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { CSRF_HEADER, isPublicRoute, SESSION_COOKIE } from './authentication.ts';

/**
 * Documents the routes that need no login as such (security: [], overriding the global
 * security), by the rule that makes them public, so the document cannot say otherwise.
 */
function documentPublicRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (isPublicRoute(route)) route.schema = { ...route.schema, security: [] };
  });
}

/**
 * Describes every route in an OpenAPI 3.1 document at /api/openapi.json, browsable at
 * /api/docs. Register it before the routes, so that it sees them all.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  documentPublicRoutes(app);
  await app.register(swagger, {
    // Name shared schemas by their $id (Task, Problem, ...) instead of def-0, def-1.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Task Planner API',
        version,
        description: `Errors are application/problem+json with a stable \`code\`. Browser sessions send the CSRF token from /api/v1/me in the ${CSRF_HEADER} header.`,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token' },
          basic: {
            type: 'http',
            scheme: 'basic',
            description: 'Login and password, or login and API token',
          },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { basic: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
