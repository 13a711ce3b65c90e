import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import {
  exportRequested,
  TaskExport,
  TaskExportInput,
  TaskImportInput,
} from '../../tasks/task-export.ts';
import { importTasks, type ImportResult } from '../../tasks/task-import.ts';
import { callerOf } from '../authentication.ts';
import { requiresPlanner } from '../route-permission.ts';
import { responses } from '../schemas.ts';

/** What POST /tasks/import answers: the tasks made (with warnings) and the secrets to type again. */
const ImportResultSchema = Type.Object({
  tasks: Type.Array(
    Type.Object({
      id: Type.String({ description: 'The new id' }),
      name: Type.String(),
      sourceId: Type.Union([Type.String(), Type.Null()], {
        description: 'Its id in the document (where it was exported)',
      }),
      enabled: Type.Boolean({ description: 'False when a secret is missing, or as exported' }),
      warnings: Type.Array(
        Type.Object({
          code: Type.String({ description: 'The reason code its runs would fail with' }),
          message: Type.String(),
        }),
        {
          description:
            'Why its runs would fail as things are: the owner lacks a permission a trigger or component needs (owner-lacks-permission), or cannot run tasks at all',
        },
      ),
    }),
  ),
  missingSecrets: Type.Array(
    Type.Object({
      task: Type.String({ description: "The imported task's id" }),
      taskName: Type.String(),
      category: Type.String({ description: 'trigger, job, action or series' }),
      component: Type.String({ description: "The component's id within the task" }),
      kind: Type.String(),
      field: Type.String({ description: "The field's JSON pointer in the config, e.g. /password" }),
    }),
    { description: 'Secret fields the document left out: each task with one is disabled' },
  ),
});

function resultView(result: ImportResult) {
  return {
    tasks: result.tasks.map(({ task, sourceId, warnings }) => ({
      id: task.id,
      name: task.name,
      sourceId,
      enabled: task.enabled,
      warnings,
    })),
    missingSecrets: result.missingSecrets,
  };
}

/** /api/v1/tasks/export and /import: tasks as a JSON document, to move them between servers. */
export function taskTransferRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { tasks, store } = services;
  return async (app) => {
    const tags = ['tasks'];
    app.addHook('preValidation', requiresPlanner);

    app.post(
      '/export',
      {
        schema: {
          tags,
          summary:
            'Export tasks as a document (by ids you can see, or every task of one owner; default: yours); secrets are left out',
          body: TaskExportInput,
          response: responses({ 200: TaskExport }),
        },
      },
      async (request) => exportRequested(tasks, callerOf(request), request.body, new Date()),
    );

    app.post(
      '/import',
      {
        schema: {
          tags,
          summary:
            'Import the tasks of a document as new tasks (all or none), for you or, by an administrator, for the user `owner`',
          body: TaskImportInput,
          response: responses({ 201: ImportResultSchema }),
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const { owner, ...document } = request.body;
        const login = owner ?? caller.user?.login;
        if (login === undefined) throw new AppError('FORBIDDEN', 'Only a user can own a task');
        const result = await importTasks(store, tasks, caller, document, login);
        return reply.status(201).send(resultView(result));
      },
    );
  };
}
