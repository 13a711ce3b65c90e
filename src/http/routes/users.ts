import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { validationError } from '../../domain/errors.ts';
import type { TaskDisposal } from '../../tasks/task-disposal.ts';
import { UserCreateInput, UserUpdateInput } from '../../domain/user-schema.ts';
import type { Services } from '../../services.ts';
import { PERMISSIONS } from '../../domain/permissions.ts';
import { requires } from '../route-permission.ts';
import { callerOf } from '../authentication.ts';
import { IdParams, PageSchema, UserSchema, responses } from '../schemas.ts';
import { userView } from '../views.ts';

const UserRef = Type.Ref(UserSchema);
const UserListParams = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const UserDeleteQuery = Type.Object(
  {
    tasks: Type.Optional(
      Type.Union([Type.Literal('delete'), Type.Literal('transfer')], {
        description: 'What becomes of the tasks the user owns',
      }),
    ),
    to: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'With tasks=transfer: the new owner',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What the query of DELETE /users/{id} says becomes of the user's tasks. */
function disposalOf(query: Static<typeof UserDeleteQuery>): TaskDisposal | undefined {
  if (query.tasks === undefined) {
    if (query.to === undefined) return undefined;
    throw validationError([{ in: 'query', path: '/tasks', message: 'must be transfer with to' }]);
  }
  if (query.tasks === 'delete') {
    if (query.to !== undefined) {
      throw validationError([{ in: 'query', path: '/to', message: 'only with tasks=transfer' }]);
    }
    return { tasks: 'delete' };
  }
  if (query.to === undefined) {
    throw validationError([
      { in: 'query', path: '/to', message: 'names the user who gets the tasks' },
    ]);
  }
  return { tasks: 'transfer', to: query.to };
}

/** /api/v1/users: user administration, for holders of users.manage. */
export function userRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { users } = services;
  return async (app) => {
    const tags = ['users'];

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'List users',
          querystring: UserListParams,
          response: responses({ 200: PageSchema(UserRef) }),
        },
      },
      async (request) => {
        const { q, limit, cursor } = request.query;
        const page = await users.list(callerOf(request), {
          limit: limit ?? 100,
          ...(q === undefined ? {} : { q }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        return { items: page.items.map(userView), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '',
      {
        preValidation: requires(PERMISSIONS.usersManage),
        schema: {
          tags,
          summary: 'Create a user',
          body: UserCreateInput,
          response: responses({ 201: UserRef }),
        },
      },
      async (request, reply) => {
        const user = await users.create(callerOf(request), request.body);
        return reply
          .status(201)
          .header('location', `/api/v1/users/${user.id}`)
          .send(userView(user));
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Get a user',
          params: IdParams,
          response: responses({ 200: UserRef }),
        },
      },
      async (request) => userView(await users.get(callerOf(request), request.params.id)),
    );

    app.patch(
      '/:id',
      {
        preValidation: requires(PERMISSIONS.usersManage),
        schema: {
          tags,
          summary: 'Change a user (login, name, e-mail, password, permissions, disabled)',
          params: IdParams,
          body: UserUpdateInput,
          response: responses({ 200: UserRef }),
        },
      },
      async (request) =>
        userView(await users.update(callerOf(request), request.params.id, request.body)),
    );

    for (const disabled of [true, false]) {
      const verb = disabled ? 'disable' : 'enable';
      app.post(
        `/:id/${verb}`,
        {
          schema: {
            tags,
            summary: `${disabled ? 'Disable' : 'Enable'} a user`,
            params: IdParams,
            response: responses({ 200: UserRef }),
          },
        },
        async (request) =>
          userView(await users.update(callerOf(request), request.params.id, { disabled })),
      );
    }

    app.delete(
      '/:id',
      {
        schema: {
          tags,
          summary:
            'Delete a user; the tasks they own are deleted (tasks=delete) or given to another user (tasks=transfer&to=<user id>), which needs taskplanner.admin',
          params: IdParams,
          querystring: UserDeleteQuery,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        await users.delete(callerOf(request), request.params.id, disposalOf(request.query));
        return reply.status(204).send(null);
      },
    );
  };
}
