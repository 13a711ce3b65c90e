import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { coerceError } from '../../domain/coerce-error.ts';
import type { Task } from '../../domain/task.ts';
import { compileValidator } from '../../domain/validation.ts';
import {
  TaskCreateInput,
  TaskListParams,
  TaskPatchInput,
  TaskReplaceInput,
} from '../../domain/task-schema.ts';
import { RunStartInput } from '../../runs/run-schema.ts';
import type { Caller } from '../../auth/caller.ts';
import type { Services } from '../../services.ts';
import { revisionCondition } from '../if-match.ts';
import { requiresPlanner } from '../route-permission.ts';
import { callerOf } from '../authentication.ts';
import { IdParams, PageSchema, TaskSchema, UnsavedRunSchema, responses } from '../schemas.ts';
import { ExecuteInput } from '../../runs/unsaved-run-service.ts';
import { taskView } from '../views.ts';

const TaskRef = Type.Ref(TaskSchema);
const CreateParams = Type.Object(
  {
    run: Type.Optional(
      Type.Boolean({ description: 'Run the new task once, right after it is saved' }),
    ),
  },
  { additionalProperties: false },
);

/** Text as a header value carries it: one line of printable ASCII. */
function headerText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}

/** A run started in a browser session is manual; one over a token or HTTP Basic, api. */
function causeOf(request: FastifyRequest): 'manual' | 'api' {
  return request.auth?.session ? 'manual' : 'api';
}
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The ETag of the revision the change is based on, e.g. "3" (quoted), or *',
    }),
  ),
});
const CopyInput = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const validateCopy = compileValidator(CopyInput);
const validateRunStart = compileValidator(RunStartInput);
const TransferInput = Type.Object(
  { ownerId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** The ETag of a task: its revision, a strong validator. */
function etagOf(task: Task): string {
  return `"${task.revision}"`;
}

/** /api/v1/tasks: each user's own tasks; administrators reach everyone's. */
export function taskRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { tasks, runs, unsavedRuns } = services;
  /** Shows tasks of the list as the caller reaches them, with their latest runs. */
  const presenter = async (caller: Caller, list: readonly Task[]) => {
    const [status, access] = await Promise.all([runs.statusOf(list), tasks.accessOf(caller, list)]);
    return (task: Task) =>
      taskView(task, status.get(task.id), access.get(task.id) ?? 'view', services);
  };
  const viewOf = async (caller: Caller, task: Task) => (await presenter(caller, [task]))(task);
  return async (app) => {
    const tags = ['tasks'];
    app.addHook('preValidation', requiresPlanner);

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'List tasks',
          querystring: TaskListParams,
          response: responses({ 200: PageSchema(TaskRef) }),
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const page = await tasks.list(caller, request.query);
        const view = await presenter(caller, page.items);
        return { items: page.items.map(view), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '',
      {
        schema: {
          tags,
          summary:
            'Create a task; with ?run=true it also runs once at once (its run in the run-location header)',
          querystring: CreateParams,
          body: TaskCreateInput,
          response: responses({ 201: TaskRef }),
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const task = await tasks.create(caller, request.body);
        // The task is saved either way: a run refused (a limit) is said in a header, not a 4xx.
        if (request.query.run) {
          // (The callbacks return nothing: a reply is thenable, and awaiting it waits for itself.)
          await runs.start(caller, task.id, causeOf(request), {}).then(
            (runId) => {
              reply.header('run-location', `/api/v1/runs/${runId}`);
            },
            (error: unknown) => {
              reply.header('run-refused', headerText(coerceError(error).message));
            },
          );
        }
        return reply
          .status(201)
          .header('location', `/api/v1/tasks/${task.id}`)
          .header('etag', etagOf(task))
          .send(await viewOf(caller, task));
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Get a task',
          params: IdParams,
          response: responses({ 200: TaskRef }),
        },
      },
      async (request, reply) => {
        const task = await tasks.get(callerOf(request), request.params.id);
        return reply.header('etag', etagOf(task)).send(await viewOf(callerOf(request), task));
      },
    );

    app.put(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Replace a task',
          params: IdParams,
          headers: IfMatchHeaders,
          body: TaskReplaceInput,
          response: responses({ 200: TaskRef }),
        },
      },
      async (request, reply) => {
        const ifMatch = revisionCondition(request.headers['if-match']);
        const task = await tasks.replace(
          callerOf(request),
          request.params.id,
          request.body,
          ifMatch,
        );
        return reply.header('etag', etagOf(task)).send(await viewOf(callerOf(request), task));
      },
    );

    app.patch(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Change some fields of a task',
          params: IdParams,
          headers: IfMatchHeaders,
          body: TaskPatchInput,
          response: responses({ 200: TaskRef }),
        },
      },
      async (request, reply) => {
        const ifMatch = revisionCondition(request.headers['if-match']);
        const task = await tasks.patch(callerOf(request), request.params.id, request.body, ifMatch);
        return reply.header('etag', etagOf(task)).send(await viewOf(callerOf(request), task));
      },
    );

    app.delete(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Delete a task',
          params: IdParams,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        await tasks.delete(callerOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    for (const enabled of [true, false]) {
      const verb = enabled ? 'enable' : 'disable';
      app.post(
        `/:id/${verb}`,
        {
          schema: {
            tags,
            summary: `${enabled ? 'Enable' : 'Disable'} a task`,
            params: IdParams,
            response: responses({ 200: TaskRef }),
          },
        },
        async (request, reply) => {
          const task = await tasks.setEnabled(callerOf(request), request.params.id, enabled);
          return reply.header('etag', etagOf(task)).send(await viewOf(callerOf(request), task));
        },
      );
    }

    // The body is optional, which a route body schema cannot say; it is checked here instead.
    app.post(
      '/:id/copy',
      {
        schema: {
          tags,
          summary: 'Copy a task; the copy belongs to the caller (optional body: {name, enabled})',
          params: IdParams,
          response: responses({ 201: TaskRef }),
        },
      },
      async (request, reply) => {
        const overrides =
          request.body === undefined || request.body === null ? {} : validateCopy(request.body);
        const copy = await tasks.copy(callerOf(request), request.params.id, overrides);
        return reply
          .status(201)
          .header('location', `/api/v1/tasks/${copy.id}`)
          .header('etag', etagOf(copy))
          .send(await viewOf(callerOf(request), copy));
      },
    );

    app.post(
      '/execute',
      {
        schema: {
          tags,
          summary:
            'Run a task definition without saving it, as the caller; dryRun: actions only report what they would deliver',
          body: ExecuteInput,
          response: responses({ 200: UnsavedRunSchema }),
        },
      },
      async (request, reply) => {
        // A client that goes away before the answer cancels the run, as Cancel does a saved one.
        const stop = new AbortController();
        const cancel = () => {
          if (!reply.raw.writableEnded) stop.abort('canceled');
        };
        reply.raw.once('close', cancel);
        try {
          const caller = callerOf(request);
          return await unsavedRuns.execute(caller, request.body, causeOf(request), stop.signal);
        } finally {
          reply.raw.off('close', cancel);
        }
      },
    );

    app.post(
      '/:id/run',
      {
        schema: {
          tags,
          summary: 'Run a task now, enabled or not (optional body: {parameters})',
          params: IdParams,
          response: responses({ 202: Type.Object({ runId: Type.String() }) }),
        },
      },
      async (request, reply) => {
        const body =
          request.body === undefined || request.body === null ? {} : validateRunStart(request.body);
        const caller = callerOf(request);
        const runId = await runs.start(
          caller,
          request.params.id,
          causeOf(request),
          body.parameters ?? {},
        );
        return reply.status(202).header('location', `/api/v1/runs/${runId}`).send({ runId });
      },
    );

    app.post(
      '/:id/owner',
      {
        schema: {
          tags,
          summary: 'Transfer a task to another user (administrators)',
          params: IdParams,
          body: TransferInput,
          response: responses({ 200: TaskRef }),
        },
      },
      async (request, reply) => {
        const task = await tasks.transfer(
          callerOf(request),
          request.params.id,
          request.body.ownerId,
        );
        return reply.header('etag', etagOf(task)).send(await viewOf(callerOf(request), task));
      },
    );
  };
}
