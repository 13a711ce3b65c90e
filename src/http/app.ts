import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import { compileCheck } from '../domain/validation.ts';
import type { Services } from '../services.ts';
import { registerAuthentication } from './authentication.ts';
import { answerClientError } from './client-errors.ts';
import { isUiPage, registerWebUi, sendUiPage } from './web-ui.ts';
import { registerOpenApi } from './openapi.ts';
import { dataSourceRoutes } from './routes/data-sources.ts';
import { hookRoutes } from './routes/hooks.ts';
import { ldapSettingsRoutes } from './routes/ldap-settings.ts';
import { oidcSettingsRoutes } from './routes/oidc-settings.ts';
import { ssoRoutes } from './routes/sso.ts';
import { settingsRoutes } from './routes/settings.ts';
import { sendProblem } from './problem.ts';
import { auditRoutes } from './routes/audit.ts';
import { outboxRoutes } from './routes/outbox.ts';
import { componentRoutes } from './routes/components.ts';
import { folderRoutes } from './routes/folders.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { permissionRoutes } from './routes/permissions.ts';
import { runRoutes } from './routes/runs.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { sessionRoutes } from './routes/session.ts';
import { taskRoutes } from './routes/tasks.ts';
import { taskGrantRoutes } from './routes/task-grants.ts';
import { taskTransferRoutes } from './routes/task-transfer.ts';
import { directoryRoutes } from './routes/directory.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import {
  GroupSchema,
  ProblemSchema,
  RunSchema,
  TaskSchema,
  TokenSchema,
  UserSchema,
} from './schemas.ts';

import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeepError } from './json-depth.ts';
import { redactingLogger } from './log-redaction.ts';

/** What the HTTP app is built from. */
export interface AppDependencies {
  services: Services;
  config: Pick<Config, 'bodyLimitBytes' | 'trustProxy' | 'https' | 'timezone'>;
  logger: FastifyServerOptions['logger'];
  version: string;
}

/** Fastify takes a hop count as a function of the hop. */
function trustedProxies(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/**
 * Bodies are JSON or nothing: no text/plain, and an empty JSON body counts as no body. JSON
 * nested deeper than any task needs is refused before validators walk it.
 */
function acceptJsonOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    void parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (!error && nestsDeeperThan(value, MAX_JSON_DEPTH)) done(tooDeepError(), undefined);
      else done(error, value);
    });
  });
}

/** Builds the Fastify app: the API under /api/v1, its documentation, health checks. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: redactingLogger(deps.logger ?? false),
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: trustedProxies(deps.config.trustProxy),
    return503OnClosing: true,
    // Live log streams stay open while a run goes on; closing must not wait for them.
    forceCloseConnections: true,
    frameworkErrors: (error, request, reply) => {
      void sendProblem(error, request, reply);
    },
    // Requests Node's HTTP parser refuses (bad framing, headers too large) never reach a route.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  acceptJsonOnly(app);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    compileCheck(schema, httpPart === 'body' ? 'body' : 'text'),
  );
  app.setErrorHandler(sendProblem);
  app.setNotFoundHandler((request, reply) => {
    if (isUiPage(request)) return sendUiPage(reply);
    throw new AppError(
      'NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
    );
  });
  for (const schema of [ProblemSchema, TaskSchema, RunSchema, UserSchema, GroupSchema, TokenSchema])
    app.addSchema(schema);

  await app.register(cookie);
  // Over plain HTTP (a LAN address, say), HSTS and upgrade-insecure-requests would break the UI.
  await app.register(helmet, {
    global: true,
    strictTransportSecurity: deps.config.https,
    contentSecurityPolicy: {
      directives: { upgradeInsecureRequests: deps.config.https ? [] : null },
    },
  });
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app, deps.version);
  registerAuthentication(app, deps.services);

  const { services } = deps;
  await app.register(healthRoutes(services.store));
  await app.register(sessionRoutes(services, deps.config), { prefix: '/api/v1/session' });
  await app.register(ssoRoutes(services, deps.config), { prefix: '/api/v1/session/oidc' });
  await app.register(meRoutes(services), { prefix: '/api/v1/me' });
  await app.register(tokenRoutes(services), { prefix: '/api/v1/tokens' });
  await app.register(userRoutes(services), { prefix: '/api/v1/users' });
  await app.register(groupRoutes(services), { prefix: '/api/v1/groups' });
  await app.register(permissionRoutes(services), { prefix: '/api/v1/permissions' });
  await app.register(taskRoutes(services), { prefix: '/api/v1/tasks' });
  await app.register(taskGrantRoutes(services), { prefix: '/api/v1/tasks' });
  await app.register(taskTransferRoutes(services), { prefix: '/api/v1/tasks' });
  await app.register(directoryRoutes(services), { prefix: '/api/v1/directory' });
  await app.register(runRoutes(services), { prefix: '/api/v1/runs' });
  await app.register(componentRoutes(services), { prefix: '/api/v1/components' });
  await app.register(folderRoutes(services), { prefix: '/api/v1/folders' });
  await app.register(auditRoutes(services), { prefix: '/api/v1/audit' });
  await app.register(outboxRoutes(services), { prefix: '/api/v1/outbox' });
  await app.register(scheduleRoutes(deps.config.timezone, services.hosts.forTrigger()), {
    prefix: '/api/v1/schedules',
  });
  await app.register(settingsRoutes(services), { prefix: '/api/v1/settings' });
  await app.register(ldapSettingsRoutes(services), { prefix: '/api/v1/settings/ldap' });
  await app.register(oidcSettingsRoutes(services), { prefix: '/api/v1/settings/oidc' });
  await app.register(dataSourceRoutes(services), { prefix: '/api/v1/data-sources' });
  await app.register(hookRoutes(services), { prefix: '/hooks' });
  await registerWebUi(app);
  return app;
}
