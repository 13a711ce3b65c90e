import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { IdParams, TokenSchema, responses } from '../schemas.ts';
import { tokenView } from '../views.ts';

const TokenCreateInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);
const CreatedToken = Type.Composite([
  TokenSchema,
  Type.Object({
    token: Type.String({ description: 'The secret: shown this once, send it as Bearer' }),
  }),
]);

/** /api/v1/tokens: the caller's personal API tokens. */
export function tokenRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['tokens'];
    const ownUserId = (caller: ReturnType<typeof callerOf>): string => {
      if (!caller.user) throw new AppError('FORBIDDEN', 'Only a user has tokens');
      return caller.user.id;
    };

    app.post(
      '',
      {
        schema: {
          tags,
          summary: 'Create a token (its secret is returned once)',
          body: TokenCreateInput,
          response: responses({ 201: CreatedToken }),
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const { expiresAt, name } = request.body;
        const created = await services.tokens.create(caller, ownUserId(caller), {
          name,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
        });
        return reply.status(201).send({ ...tokenView(created.token), token: created.secret });
      },
    );

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'List my tokens',
          response: responses({ 200: Type.Object({ items: Type.Array(TokenSchema) }) }),
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const tokens = await services.tokens.list(caller, ownUserId(caller));
        return { items: tokens.map(tokenView) };
      },
    );

    app.delete(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Revoke a token',
          params: IdParams,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        await services.tokens.revoke(caller, ownUserId(caller), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
