import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RunListParams } from '../../runs/run-schema.ts';
import type { Services } from '../../services.ts';
import { requiresPlanner } from '../route-permission.ts';
import { callerOf, credentialsOf } from '../authentication.ts';
import { runLogStream } from '../run-log-stream.ts';
import { runView } from '../run-views.ts';
import { OutboxEntrySchema, outboxView } from '../outbox-views.ts';
import { IdParams, PageSchema, RunSchema, responses } from '../schemas.ts';

const RunRef = Type.Ref(RunSchema);
const ArtifactParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  artifactId: Type.String({ minLength: 1, maxLength: 64 }),
});

/** A file name safe inside a quoted Content-Disposition parameter, plus the exact one encoded. */
function contentDisposition(name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** /api/v1/runs: the history of the tasks the caller can see, live logs, results, cancelling. */
export function runRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { runs } = services;
  return async (app) => {
    const tags = ['runs'];
    app.addHook('preValidation', requiresPlanner);

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'List runs, newest first',
          querystring: RunListParams,
          response: responses({ 200: PageSchema(RunRef) }),
        },
      },
      async (request) => {
        const page = await runs.list(callerOf(request), request.query);
        return { items: page.items.map(runView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Get a run',
          params: IdParams,
          response: responses({ 200: RunRef }),
        },
      },
      async (request) => runView(await runs.get(callerOf(request), request.params.id)),
    );

    app.get(
      '/:id/messages',
      {
        schema: {
          tags,
          summary: "The mail the run queued, each with its delivery state and its recipients'",
          params: IdParams,
          response: responses({ 200: Type.Array(OutboxEntrySchema) }),
        },
      },
      async (request) =>
        (await services.outbox.ofRun(callerOf(request), request.params.id)).map(outboxView),
    );

    app.post(
      '/:id/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel a queued or running run',
          params: IdParams,
          response: responses({ 202: RunRef }),
        },
      },
      async (request, reply) => {
        const run = await runs.cancel(callerOf(request), request.params.id);
        return reply.status(202).send(runView(run));
      },
    );

    app.get(
      '/:id/log',
      {
        schema: {
          tags,
          summary:
            'The log as text, or live with Accept: text/event-stream (events open, log, end)',
          params: IdParams,
          produces: ['text/plain', 'text/event-stream'],
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        if ((request.headers.accept ?? '').includes('text/event-stream')) {
          const current = async () =>
            (await services.authenticator.authenticate(credentialsOf(request)))?.caller ?? null;
          const stream = await runLogStream(services, caller, request.params.id, request, current);
          return reply
            .type('text/event-stream; charset=utf-8')
            .header('cache-control', 'no-cache')
            .header('x-accel-buffering', 'no')
            .send(stream);
        }
        const { text } = await runs.log(caller, request.params.id);
        return reply.type('text/plain; charset=utf-8').send(text);
      },
    );

    app.get(
      '/:id/artifacts/:artifactId',
      {
        schema: {
          tags,
          summary: 'Download a file a job produced',
          params: ArtifactParams,
        },
      },
      async (request, reply) => {
        const artifact = await runs.artifact(
          callerOf(request),
          request.params.id,
          request.params.artifactId,
        );
        return reply
          .type(artifact.mediaType)
          .header('content-disposition', contentDisposition(artifact.name))
          .header('x-content-type-options', 'nosniff')
          .send(artifact.content);
      },
    );
  };
}
