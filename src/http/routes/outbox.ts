import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { OutboxState } from '../../domain/outbox.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { OutboxEntrySchema, outboxView } from '../outbox-views.ts';
import { IdParams, PageSchema, responses } from '../schemas.ts';

const States = [
  'held',
  'queued',
  'sending',
  'retrying',
  'sent',
  'partly-sent',
  'failed',
  'canceled',
];

const OutboxQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(States.map((state) => Type.Literal(state)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const CountsSchema = Type.Object({
  byState: Type.Record(Type.String(), Type.Integer()),
  oldestWaitingSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** /api/v1/outbox: every task's mail and its delivery, for holders of mail.manage. */
export function outboxRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { outbox } = services;
  return async (app) => {
    const tags = ['outbox'];

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'List the outbox, newest first (mail.manage)',
          querystring: OutboxQuery,
          response: responses({ 200: PageSchema(OutboxEntrySchema) }),
        },
      },
      async (request) => {
        const { limit, state, cursor } = request.query;
        const page = await outbox.list(callerOf(request), {
          limit: limit ?? 100,
          ...(state === undefined ? {} : { state: state as OutboxState }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        return { items: page.items.map(outboxView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/counts',
      {
        schema: {
          tags,
          summary: 'How many messages are in each state, and since when the oldest one waits',
          response: responses({ 200: CountsSchema }),
        },
      },
      async (request) => {
        const counts = await outbox.counts(callerOf(request));
        const since = counts.oldestWaitingSince;
        return {
          byState: counts.byState,
          oldestWaitingSince: since === null ? null : new Date(since).toISOString(),
        };
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags,
          summary: 'A message of the outbox and the state of each recipient',
          params: IdParams,
          response: responses({ 200: OutboxEntrySchema }),
        },
      },
      async (request) => outboxView(await outbox.get(callerOf(request), request.params.id)),
    );

    app.post(
      '/:id/retry',
      {
        schema: {
          tags,
          summary: 'Send a waiting, failed or partly sent message now, for another retry period',
          params: IdParams,
          response: responses({ 200: OutboxEntrySchema }),
        },
      },
      async (request) => outboxView(await outbox.retry(callerOf(request), request.params.id)),
    );

    app.post(
      '/:id/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel a queued or retrying message',
          params: IdParams,
          response: responses({ 200: OutboxEntrySchema }),
        },
      },
      async (request) => outboxView(await outbox.cancel(callerOf(request), request.params.id)),
    );
  };
}
