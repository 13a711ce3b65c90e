import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DataSourceCreateInput, DataSourceUpdateInput } from '../../domain/settings-schema.ts';
import type { Services } from '../../services.ts';
import type { DataSourceView } from '../../settings/data-source-service.ts';
import { PERMISSIONS } from '../../domain/permissions.ts';
import { requires } from '../route-permission.ts';
import { callerOf } from '../authentication.ts';
import { IdParams, responses } from '../schemas.ts';

const Kind = Type.Union([Type.Literal('sqlite'), Type.Literal('postgres'), Type.Literal('mysql')]);

const DataSourceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Kind,
  location: Type.String(),
  password: Type.String({ description: 'Masked' }),
  access: Type.Object({
    everyone: Type.Boolean(),
    userIds: Type.Array(Type.String()),
    groupIds: Type.Array(Type.String()),
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const SummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Kind,
  location: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  access: Type.Optional(DataSourceSchema.properties.access),
  createdAt: Type.Optional(Type.String()),
  updatedAt: Type.Optional(Type.String()),
});

function view(source: DataSourceView) {
  return {
    ...source,
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}

/** /api/v1/data-sources: databases tasks may query, managed by holders of settings.manage. */
export function dataSourceRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { dataSources } = services;
  return async (app) => {
    const tags = ['settings'];

    app.get(
      '',
      {
        schema: {
          tags,
          summary:
            'List data sources: all of them for administrators, the ones you may query otherwise',
          response: responses({ 200: Type.Object({ items: Type.Array(SummarySchema) }) }),
        },
      },
      async (request) => {
        const items = await dataSources.list(callerOf(request));
        return {
          items: items.map((item) => ('createdAt' in item ? view(item) : item)),
        };
      },
    );

    app.post(
      '',
      {
        preValidation: requires(PERMISSIONS.settingsManage),
        schema: {
          tags,
          summary: 'Add a data source',
          body: DataSourceCreateInput,
          response: responses({ 201: DataSourceSchema }),
        },
      },
      async (request, reply) => {
        const source = await dataSources.create(callerOf(request), request.body);
        return reply
          .status(201)
          .header('location', `/api/v1/data-sources/${source.id}`)
          .send(view(source));
      },
    );

    app.get(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Get a data source',
          params: IdParams,
          response: responses({ 200: DataSourceSchema }),
        },
      },
      async (request) => view(await dataSources.get(callerOf(request), request.params.id)),
    );

    app.patch(
      '/:id',
      {
        preValidation: requires(PERMISSIONS.settingsManage),
        schema: {
          tags,
          summary: 'Change a data source; the masked password keeps the stored one',
          params: IdParams,
          body: DataSourceUpdateInput,
          response: responses({ 200: DataSourceSchema }),
        },
      },
      async (request) =>
        view(await dataSources.update(callerOf(request), request.params.id, request.body)),
    );

    app.delete(
      '/:id',
      {
        schema: {
          tags,
          summary: 'Delete a data source',
          params: IdParams,
          response: responses({ 204: Type.Null() }),
        },
      },
      async (request, reply) => {
        await dataSources.delete(callerOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/:id/test',
      {
        schema: {
          tags,
          summary: 'Test the connection: connects and runs "select 1"',
          params: IdParams,
          response: responses({ 200: Type.Object({ ok: Type.Boolean(), message: Type.String() }) }),
        },
      },
      async (request) => dataSources.test(callerOf(request), request.params.id),
    );
  };
}
