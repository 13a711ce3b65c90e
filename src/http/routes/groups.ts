import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { GroupCreateInput, GroupUpdateInput } from '../../domain/user-schema.ts';
import type { Services } from '../../services.ts';
import { PERMISSIONS } from '../../domain/permissions.ts';
import { requires } from '../route-permission.ts';
import { callerOf } from '../authentication.ts';
import { GroupSchema, IdParams, responses } from '../schemas.ts';

const GroupRef = Type.Ref(GroupSchema);

/** /api/v1/groups: groups whose members share permissions, for holders of users.manage. */
export function groupRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { groups } = services;
  return async (app) => {
    const tags = ['users'];
    app.addHook('preValidation', requires(PERMISSIONS.usersManage));

    app.get(
      '',
      {
        schema: {
          tags,
          summary: 'List groups',
          response: responses({ 200: Type.Object({ items: Type.Array(GroupRef) }) }),
        },
      },
      async (request) => ({
        items: await groups.list(callerOf(request)),
      }),
    );

    app.post(
      '',
      {
        schema: {
          tags,
          summary: 'Create a group',
          body: GroupCreateInput,
          response: responses({ 201: GroupRef }),
        },
      },
      async (request, reply) => {
        const group = await groups.create(callerOf(request), request.body);
        return reply.status(201).header('location', `/api/v1/groups/${group.id}`).send(group);
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Get a group',
          params: IdParams,
          response: responses({ 200: GroupRef }),
        },
      },
      async (request) => groups.get(callerOf(request), request.params.id),
    );

    app.patch(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Rename a group, or set its permissions or members',
          params: IdParams,
          body: GroupUpdateInput,
          response: responses({ 200: GroupRef }),
        },
      },
      async (request) => groups.update(callerOf(request), request.params.id, request.body),
    );

    app.delete(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Delete a group',
          params: IdParams,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        await groups.delete(callerOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
