import { isDeepStrictEqual } from 'node:util';
import { requirePlanner, userCaller, type Caller } from '../auth/caller.ts';
import { mapConfigStrings } from '../domain/config-fields.ts';
import { AppError, validationError } from '../domain/errors.ts';
import type { ReasonCode } from '../domain/reason-codes.ts';
import type { ComponentCategory, Task } from '../domain/task.ts';
import type { TaskCreateInput } from '../domain/task-schema.ts';
import { compileValidator } from '../domain/validation.ts';
import type { User } from '../domain/user.ts';
import {
  deniedComponents,
  deniedTrigger,
  ownerProblem,
  type OwnerState,
} from '../engine/permission-check.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import { SECRET_MASK } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { definitionOf, definitionToInput } from './task-definition.ts';
import { TaskExport, type ExportedTask } from './task-export.ts';
import { referencesOf, withReferencesRewritten, type TaskReference } from './task-references.ts';
import { accessTo } from './task-rights.ts';
import type { TaskService } from './task-service.ts';

/*
 * An import creates the tasks of a document as new tasks, all or none. Each gets a new id;
 * references between tasks of the document (after-task, next-task) are rewritten to the new
 * ids, and a reference to a task outside the document is kept only if the new owner can see
 * that task. Secrets arrive masked (an export leaves them behind): each such field is left
 * empty and reported, and a task with one is imported disabled, to be switched on once the
 * secrets are typed again. A task whose owner lacks a permission it needs is imported all the
 * same (the permission may be given later), with a warning saying which: its runs would fail.
 */

/** What an imported task will meet when it runs: its owner lacks a permission it needs. */
export interface ImportWarning {
  /** The reason code its runs would fail with, e.g. owner-lacks-permission. */
  code: ReasonCode;
  message: string;
}

/** One imported task, the id it had in the document (null when it gave none), and its warnings. */
export interface ImportedTask {
  task: Task;
  sourceId: string | null;
  warnings: ImportWarning[];
}

/** A secret field an imported task still needs: which task, which component, which field. */
export interface MissingSecret {
  /** The imported task's (new) id. */
  task: string;
  taskName: string;
  category: ComponentCategory;
  /** The component's id within the task. */
  component: string;
  kind: string;
  /** The field's JSON pointer within the component's config, e.g. /smtp/password. */
  field: string;
}

/** What an import made. */
export interface ImportResult {
  tasks: ImportedTask[];
  missingSecrets: MissingSecret[];
}

/** A masked secret of a document, by where its component sits in the task. */
interface MaskedField {
  category: ComponentCategory;
  /** The component's index in its list (0 for the series). */
  position: number;
  field: string;
}

/** A document's task made ready to create: its owner, its input and what it refers to. */
interface PreparedTask {
  index: number;
  sourceId: string | null;
  owner: User;
  input: TaskCreateInput;
  masked: MaskedField[];
  references: TaskReference[];
}

const validateExport = compileValidator(TaskExport);

/** The input with every masked secret emptied, and where each one was. */
function withoutMaskedSecrets(
  registry: ComponentRegistry,
  input: TaskCreateInput,
): { input: TaskCreateInput; masked: MaskedField[] } {
  const masked: MaskedField[] = [];
  const emptied =
    (category: ComponentCategory) =>
    <C extends { kind: string; config?: Record<string, unknown> | undefined }>(
      component: C,
      position: number,
    ): C => {
      const schema = registry.get(category, component.kind)?.configSchema;
      if (schema === undefined || component.config === undefined) return component;
      const config = mapConfigStrings(schema, component.config, (text, field, path) => {
        if (!field.secret || text !== SECRET_MASK) return text;
        masked.push({ category, position, field: path });
        return '';
      });
      return { ...component, config: config as Record<string, unknown> };
    };
  const result: TaskCreateInput = {
    ...input,
    ...(input.triggers ? { triggers: input.triggers.map(emptied('trigger')) } : {}),
    ...(input.jobs ? { jobs: input.jobs.map(emptied('job')) } : {}),
    ...(input.actions ? { actions: input.actions.map(emptied('action')) } : {}),
    ...(input.series ? { series: emptied('series')(input.series, 0) } : {}),
  };
  return { input: masked.length > 0 ? { ...result, enabled: false } : result, masked };
}

/** Refuses a document in which two tasks give the same id (references would be ambiguous). */
function requireUniqueIds(tasks: readonly ExportedTask[]): void {
  const seen = new Map<string, number>();
  for (const [index, task] of tasks.entries()) {
    if (task.id === undefined) continue;
    const first = seen.get(task.id);
    if (first !== undefined)
      throw validationError([
        { path: `/tasks/${index}/id`, message: `task ${first} has the same id '${task.id}'` },
      ]);
    seen.set(task.id, index);
  }
}

/**
 * The owner of each task: the one login given, or each task's own. Someone without
 * taskplanner.admin may import only for themselves (refused before any login is looked up).
 */
async function ownersOf(
  store: Store,
  caller: Caller,
  tasks: readonly ExportedTask[],
  ownerLogin: string | undefined,
): Promise<User[]> {
  const { admin } = requirePlanner(caller);
  const found = new Map<string, User>();
  const owners: User[] = [];
  for (const [index, task] of tasks.entries()) {
    const login = ownerLogin ?? task.owner;
    const where = ownerLogin === undefined ? `Task ${index}: ` : '';
    if (login === undefined)
      throw new AppError('VALIDATION_FAILED', `${where}it names no owner; give one`, {
        issues: [{ path: `/tasks/${index}/owner`, message: 'names no owner' }],
      });
    if (!admin && login !== caller.user?.login)
      throw new AppError('FORBIDDEN', "Importing tasks for another user needs 'taskplanner.admin'");
    const user = found.get(login) ?? (await store.users.getWithSecretByLogin(login));
    if (!user) throw new AppError('VALIDATION_FAILED', `${where}no user with the login '${login}'`);
    found.set(login, user);
    owners.push(user);
  }
  return owners;
}

/**
 * Refuses a reference to a task outside the document (or one that cannot be rewritten) that
 * the new owner cannot see: missing and invisible tasks are refused alike.
 */
async function requireVisibleReferences(
  store: Store,
  prepared: readonly PreparedTask[],
  inDocument: ReadonlySet<string>,
): Promise<void> {
  const callers = new Map<string, Caller>();
  for (const { index, owner, references } of prepared) {
    for (const reference of references) {
      if (reference.rewritable && inDocument.has(reference.taskId)) continue;
      const ownerCaller =
        callers.get(owner.id) ??
        userCaller(owner, await store.users.effectivePermissions(owner.id), 'import');
      callers.set(owner.id, ownerCaller);
      const target = await store.tasks.get(reference.taskId);
      if (target && (await accessTo(store, ownerCaller, target))) continue;
      const path = `/tasks/${index}/${reference.category}s/${reference.index}/config/taskId`;
      const message = `refers to the task ${reference.taskId}, which is not in the document and not a task '${owner.login}' can see: export it together with this one, or change the reference`;
      throw validationError([{ path, message }]);
    }
  }
}

/** Creates one task, naming the document's entry in an error. */
async function createOne(
  service: TaskService,
  caller: Caller,
  task: PreparedTask,
  input: TaskCreateInput,
): Promise<Task> {
  try {
    return await service.createFor(caller, task.owner.id, input);
  } catch (error) {
    if (error instanceof AppError)
      throw new AppError(error.code, `Task ${task.index}: ${error.message}`, {
        issues: error.issues,
      });
    throw error;
  }
}

/**
 * Creates the tasks, each after the tasks of the document it refers to, so that its
 * references can name their new ids at once. Tasks in a cycle (or referring to themselves)
 * are created with the old ids and rewritten once all exist.
 */
async function createInOrder(
  service: TaskService,
  caller: Caller,
  prepared: readonly PreparedTask[],
  inDocument: ReadonlySet<string>,
): Promise<Task[]> {
  const newIds = new Map<string, string>();
  const created = new Map<number, { made: Task; waiting: ReadonlySet<number> }>();
  const unresolved = (reference: TaskReference) =>
    reference.rewritable && inDocument.has(reference.taskId) && !newIds.has(reference.taskId);
  let pending = [...prepared];
  while (pending.length > 0) {
    const ready = pending.filter((task) => !task.references.some(unresolved));
    const batch = ready.length > 0 ? ready : pending.slice(0, 1);
    for (const task of batch) {
      const input = withReferencesRewritten(service.registry, task.input, newIds);
      // A trigger following a task not made yet (a cycle) could not be saved: it comes later.
      const waiting = new Set(
        task.references
          .filter((r) => r.category === 'trigger' && unresolved(r))
          .map((r) => r.index),
      );
      const triggers = (input.triggers ?? []).filter((_trigger, index) => !waiting.has(index));
      const made = await createOne(service, caller, task, { ...input, triggers });
      created.set(task.index, { made, waiting });
      if (task.sourceId !== null) newIds.set(task.sourceId, made.id);
    }
    pending = pending.filter((task) => !batch.includes(task));
  }
  const tasks: Task[] = [];
  for (const task of prepared) {
    const { made, waiting } = created.get(task.index) as { made: Task; waiting: Set<number> };
    tasks.push(await retargeted(service, caller, made, { input: task.input, waiting }, newIds));
  }
  return tasks;
}

/**
 * The task with every reference pointing at the new ids: those still naming old ids (a
 * cycle's next-task) rewritten, and the triggers left out at first put back in their places.
 */
async function retargeted(
  service: TaskService,
  caller: Caller,
  task: Task,
  { input, waiting }: { input: TaskCreateInput; waiting: ReadonlySet<number> },
  newIds: ReadonlyMap<string, string>,
): Promise<Task> {
  const { triggers: stored, actions } = definitionToInput(definitionOf(task));
  const kept = [...stored];
  const triggers = (input.triggers ?? []).flatMap((trigger, index) => {
    if (waiting.has(index)) return [trigger];
    const made = kept.shift();
    return made ? [made] : [];
  });
  const before = { triggers: stored, actions };
  const rewritten = withReferencesRewritten(service.registry, { triggers, actions }, newIds);
  if (isDeepStrictEqual(rewritten, before)) return task;
  return service.patch(caller, task.id, { ...rewritten, revision: task.revision });
}

/** The masked secrets of the imported tasks, named by the components they sit in. */
function missingSecretsOf(
  prepared: readonly PreparedTask[],
  tasks: readonly Task[],
): MissingSecret[] {
  return prepared.flatMap(({ masked }, i) => {
    const task = tasks[i] as Task;
    return masked.flatMap(({ category, position, field }) => {
      const component = category === 'series' ? task.series : task[`${category}s`][position];
      if (!component) return [];
      const { id, kind } = component;
      return [{ task: task.id, taskName: task.name, category, component: id, kind, field }];
    });
  });
}

/**
 * Why the task's runs would fail as soon as they start: the owner cannot run tasks, or lacks
 * the permission of a trigger or a component. The same checks as the runner's, made now.
 */
function runWarnings(registry: ComponentRegistry, task: Task, owner: OwnerState): ImportWarning[] {
  const problem = ownerProblem(owner);
  if (problem) return [{ code: problem.reasonCode, message: problem.reason }];
  const triggers = task.triggers.flatMap((trigger) => {
    const denied = deniedTrigger(task, trigger.id, registry, owner);
    return denied ? [{ code: denied.reasonCode, message: denied.reason }] : [];
  });
  const components = [...deniedComponents(task, registry, owner).values()].map(
    (message): ImportWarning => ({ code: 'owner-lacks-permission', message }),
  );
  return [...triggers, ...components];
}

/** Each imported task with its warnings, read against its owner's permissions of now. */
async function withWarnings(
  store: Store,
  registry: ComponentRegistry,
  prepared: readonly PreparedTask[],
  tasks: readonly Task[],
): Promise<ImportedTask[]> {
  const owners = new Map<string, OwnerState>();
  const imported: ImportedTask[] = [];
  for (const [i, task] of tasks.entries()) {
    const { owner: user, sourceId } = prepared[i] as PreparedTask;
    const owner = owners.get(user.id) ?? {
      user,
      permissions: await store.users.effectivePermissions(user.id),
    };
    owners.set(user.id, owner);
    imported.push({ task, sourceId, warnings: runWarnings(registry, task, owner) });
  }
  return imported;
}

/**
 * Imports the tasks of an export document as new tasks (new ids), each for the owner its
 * entry names or for ownerLogin when given. All or nothing: one bad task imports none.
 */
export async function importTasks(
  store: Store,
  service: TaskService,
  caller: Caller,
  document: unknown,
  ownerLogin: string | undefined,
): Promise<ImportResult> {
  const parsed = validateExport(document);
  requireUniqueIds(parsed.tasks);
  const inDocument = new Set(parsed.tasks.flatMap((task) => (task.id ? [task.id] : [])));
  return store.transaction(async (transaction) => {
    const inTransaction = service.withStore(transaction);
    const owners = await ownersOf(transaction, caller, parsed.tasks, ownerLogin);
    const prepared = parsed.tasks.map((entry, index): PreparedTask => {
      const { owner: _owner, id, ...definition } = entry;
      const { input, masked } = withoutMaskedSecrets(service.registry, definition);
      const references = referencesOf(service.registry, input);
      return {
        index,
        sourceId: id ?? null,
        owner: owners[index] as User,
        input,
        masked,
        references,
      };
    });
    await requireVisibleReferences(transaction, prepared, inDocument);
    const tasks = await createInOrder(inTransaction, caller, prepared, inDocument);
    return {
      tasks: await withWarnings(transaction, service.registry, prepared, tasks),
      missingSecrets: missingSecretsOf(prepared, tasks),
    };
  });
}
