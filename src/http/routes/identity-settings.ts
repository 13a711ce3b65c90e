import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TObject } from '@sinclair/typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Caller } from '../../auth/caller.ts';
import { callerOf } from '../authentication.ts';
import { responses } from '../schemas.ts';

type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The settings service of an outside identity source. */
interface IdentitySettingsService<Settings> {
  get(caller: Caller): Promise<Settings | null>;
  replace(caller: Caller, raw: unknown): Promise<Settings>;
  remove(caller: Caller): Promise<void>;
}

/** How one source's settings routes describe themselves. */
export interface IdentityRoutesSpec<Settings, View extends Record<string, unknown>> {
  service: IdentitySettingsService<Settings>;
  /** What a PUT takes. */
  input: TObject;
  /** What GET and PUT answer (the secret masked). */
  answer: TObject;
  view(settings: Settings): View;
  /** "the LDAP directory users log in with", "the OpenID provider users may sign in with". */
  what: string;
  /** What switching it off means for its users. */
  removed: string;
}

/** GET, PUT and DELETE of an outside identity source's settings, for holders of settings.manage. */
export function registerIdentitySettingsRoutes<Settings, View extends Record<string, unknown>>(
  app: App,
  spec: IdentityRoutesSpec<Settings, View>,
): void {
  const tags = ['settings'];
  const { service } = spec;
  app.get(
    '',
    {
      schema: {
        tags,
        summary: `${spec.what}; null when there is none`,
        response: responses({ 200: Type.Union([spec.answer, Type.Null()]) }),
      },
    },
    async (request) => {
      const settings = await service.get(callerOf(request));
      return settings && spec.view(settings);
    },
  );
  app.put(
    '',
    {
      schema: {
        tags,
        summary: `Set up ${spec.what}; the masked secret keeps the stored one`,
        body: spec.input,
        response: responses({ 200: spec.answer }),
      },
    },
    async (request) => spec.view(await service.replace(callerOf(request), request.body)),
  );
  app.delete(
    '',
    {
      schema: {
        tags,
        summary: `Switch it off: ${spec.removed}`,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await service.remove(callerOf(request));
      return reply.status(204).send(null);
    },
  );
}
