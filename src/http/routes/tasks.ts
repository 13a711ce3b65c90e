import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePlanner } from '../../auth/caller.ts';
import { validationError } from '../../domain/errors.ts';
import { compileValidator } from '../../domain/validation.ts';
import {
  TaskCreateInput,
  TaskListParams,
  TaskPatchInput,
  TaskReplaceInput,
} from '../../domain/task-schema.ts';
import type { Services } from '../../services.ts';
import { callerOf } from '../authentication.ts';
import { IdParams, PageSchema, TaskSchema, responses } from '../schemas.ts';
import { taskView } from '../views.ts';

const TaskRef = Type.Ref(TaskSchema);
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The revision the change is based on, e.g. "3"' }),
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
const TransferInput = Type.Object(
  { ownerId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Reads a revision from If-Match: "3", W/"3" or 3. */
function revisionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match?.[1])
    throw validationError([{ path: '/if-match', message: 'must be a task revision such as "3"' }]);
  return Number(match[1]);
}

/** /api/v1/tasks: each user's own tasks; administrators reach everyone's. */
export function taskRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { tasks } = services;
  return async (app) => {
    const tags = ['tasks'];
    // Permission before validation: a user without the planner gets 403, not a 400 about their body.
    app.addHook('preValidation', async (request) => {
      requirePlanner(callerOf(request));
    });

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
        const page = await tasks.list(callerOf(request), request.query);
        return { items: page.items.map(taskView), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '',
      {
        schema: {
          tags,
          summary: 'Create a task',
          body: TaskCreateInput,
          response: responses({ 201: TaskRef }),
        },
      },
      async (request, reply) => {
        const task = await tasks.create(callerOf(request), request.body);
        return reply
          .status(201)
          .header('location', `/api/v1/tasks/${task.id}`)
          .header('etag', `"${task.revision}"`)
          .send(taskView(task));
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
        return reply.header('etag', `"${task.revision}"`).send(taskView(task));
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
        const ifMatch = revisionFromIfMatch(request.headers['if-match']);
        const task = await tasks.replace(
          callerOf(request),
          request.params.id,
          request.body,
          ifMatch,
        );
        return reply.header('etag', `"${task.revision}"`).send(taskView(task));
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
        const ifMatch = revisionFromIfMatch(request.headers['if-match']);
        const task = await tasks.patch(callerOf(request), request.params.id, request.body, ifMatch);
        return reply.header('etag', `"${task.revision}"`).send(taskView(task));
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
        async (request) =>
          taskView(await tasks.setEnabled(callerOf(request), request.params.id, enabled)),
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
          .send(taskView(copy));
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
      async (request) =>
        taskView(await tasks.transfer(callerOf(request), request.params.id, request.body.ownerId)),
    );
  };
}
