import { Type, type Static } from '@sinclair/typebox';
import type { Caller } from '../auth/caller.ts';
import { AppError, notFound } from '../domain/errors.ts';
import type { Task } from '../domain/task.ts';
import { TaskCreateInput } from '../domain/task-schema.ts';
import type { TaskService } from './task-service.ts';
import { definitionOf, definitionToInput } from './task-definition.ts';
import { maskTaskSecrets } from './task-secrets.ts';

/** At most this many tasks in one document an import takes (and ids in one export by id). */
export const MAX_TRANSFERRED_TASKS = 1000;

/** One task of an export: its definition, its owner's login and its id on the server it left. */
export const ExportedTask = Type.Object(
  {
    ...TaskCreateInput.properties,
    owner: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "The owner's login" }),
    ),
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Its id where it was exported; references of other tasks of the document to it are rewritten to the new id',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExportedTask = Static<typeof ExportedTask>;

const exportFields = {
  format: Type.Literal('taskplanner-tasks'),
  version: Type.Literal(1),
  exportedAt: Type.Optional(Type.String({ maxLength: 64 })),
  tasks: Type.Array(ExportedTask, {
    maxItems: MAX_TRANSFERRED_TASKS,
    description: `At most ${MAX_TRANSFERRED_TASKS} tasks`,
  }),
};

/** The file format of `task export` and `task import`, and of the API's export and import. */
export const TaskExport = Type.Object(exportFields, { additionalProperties: false });
export type TaskExport = Static<typeof TaskExport>;

/** The body of POST /tasks/import: a document, and for administrators whom the tasks are for. */
export const TaskImportInput = Type.Object(
  {
    ...exportFields,
    owner: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          "The login of the user the tasks are for (another user's needs taskplanner.admin); default: you",
      }),
    ),
  },
  { additionalProperties: false },
);
export type TaskImportInput = Static<typeof TaskImportInput>;

/** The body of POST /tasks/export: tasks by id, or every task of one owner (default: yours). */
export const TaskExportInput = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        minItems: 1,
        maxItems: MAX_TRANSFERRED_TASKS,
        uniqueItems: true,
        description: 'The tasks to export, each one you can see',
      }),
    ),
    owner: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          "Every task of this user (an id, as GET /tasks takes it; another user's or 'all' needs taskplanner.admin)",
      }),
    ),
  },
  { additionalProperties: false },
);
export type TaskExportInput = Static<typeof TaskExportInput>;

/** Every task of one owner (or of everyone), oldest first. */
export async function listAllTasks(
  service: TaskService,
  caller: Caller,
  ownerId: string,
): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await service.list(caller, {
      owner: ownerId,
      limit: 500,
      sort: 'createdAt',
      ...(cursor ? { cursor } : {}),
    });
    tasks.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return tasks;
}

/** The tasks in the export format; secrets stay behind, masked. */
export function exportDocument(
  service: TaskService,
  tasks: readonly Task[],
  now: Date,
): TaskExport {
  return {
    format: 'taskplanner-tasks',
    version: 1,
    exportedAt: now.toISOString(),
    tasks: tasks.map((task) => ({
      owner: task.ownerLogin,
      id: task.id,
      // Secrets stay behind: another server cannot open them, and a file must not carry them.
      ...definitionToInput(maskTaskSecrets(definitionOf(task), service.registry)),
    })),
  };
}

/** Every task of one owner (or of everyone), in the export format. */
export async function exportTasks(
  service: TaskService,
  caller: Caller,
  ownerId: string,
  now: Date,
): Promise<TaskExport> {
  return exportDocument(service, await listAllTasks(service, caller, ownerId), now);
}

/**
 * The tasks with these ids, in the export format: each must be one the caller can see (an
 * export shows no more than reading the task does); one they cannot is NOT_FOUND, as if missing.
 */
export async function exportTasksById(
  service: TaskService,
  caller: Caller,
  ids: readonly string[],
  now: Date,
): Promise<TaskExport> {
  const tasks: Task[] = [];
  for (const id of new Set(ids)) {
    try {
      tasks.push(await service.get(caller, id, 'view'));
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound(`Task ${id}`);
      throw error;
    }
  }
  return exportDocument(service, tasks, now);
}

/** What POST /tasks/export sends: ids, one owner's tasks, or by default the caller's own. */
export async function exportRequested(
  service: TaskService,
  caller: Caller,
  input: TaskExportInput,
  now: Date,
): Promise<TaskExport> {
  if (input.ids !== undefined && input.owner !== undefined)
    throw new AppError('VALIDATION_FAILED', 'Give the ids of tasks or an owner, not both', {
      issues: [{ path: '/owner', message: 'give ids or owner, not both' }],
    });
  if (input.ids !== undefined) return exportTasksById(service, caller, input.ids, now);
  const owner = input.owner ?? caller.user?.id;
  if (owner === undefined) throw new AppError('FORBIDDEN', 'Only a user has tasks of their own');
  return exportTasks(service, caller, owner, now);
}
