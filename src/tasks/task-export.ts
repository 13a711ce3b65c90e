import { Type, type Static } from '@sinclair/typebox';
import type { Caller } from '../auth/caller.ts';
import { AppError } from '../domain/errors.ts';
import type { Task } from '../domain/task.ts';
import { compileValidator } from '../domain/validation.ts';
import type { Store } from '../store/store.ts';
import { definitionOf, definitionToInput } from './task-definition.ts';
import { maskTaskSecrets } from './task-secrets.ts';
import type { TaskService } from './task-service.ts';

/** The file format of `task export` and `task import`. */
export const TaskExport = Type.Object({
  format: Type.Literal('taskplanner-tasks'),
  version: Type.Literal(1),
  exportedAt: Type.Optional(Type.String()),
  tasks: Type.Array(
    Type.Object(
      { owner: Type.Optional(Type.String()), id: Type.Optional(Type.String()) },
      { additionalProperties: true },
    ),
  ),
});
export type TaskExport = Static<typeof TaskExport>;

const validateExport = compileValidator(TaskExport);

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

/** Every task of one owner (or of everyone), in the export format. */
export async function exportTasks(
  service: TaskService,
  caller: Caller,
  ownerId: string,
  now: Date,
): Promise<TaskExport> {
  const tasks = await listAllTasks(service, caller, ownerId);
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

/**
 * Imports tasks as new tasks (new ids), each for the owner its entry names or for
 * ownerLogin when given. All or nothing: one bad task imports none.
 */
export async function importTasks(
  store: Store,
  service: TaskService,
  caller: Caller,
  document: unknown,
  ownerLogin: string | undefined,
): Promise<Task[]> {
  const parsed = validateExport(document);
  return store.transaction(async (transaction) => {
    const inTransaction = service.withStore(transaction);
    const imported: Task[] = [];
    for (const [index, entry] of parsed.tasks.entries()) {
      const { owner, id: _id, ...definition } = entry;
      const login = ownerLogin ?? owner;
      const user =
        login === undefined ? undefined : await transaction.users.getWithSecretByLogin(login);
      if (!user)
        throw new AppError(
          'VALIDATION_FAILED',
          `Task ${index}: no user with the login '${login ?? ''}'`,
        );
      try {
        imported.push(await inTransaction.createFor(caller, user.id, definition));
      } catch (error) {
        if (error instanceof AppError)
          throw new AppError(error.code, `Task ${index}: ${error.message}`, {
            issues: error.issues,
          });
        throw error;
      }
    }
    return imported;
  });
}
