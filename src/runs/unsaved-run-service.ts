import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { requirePlanner, type Caller } from '../auth/caller.ts';
import { auditEvent } from '../domain/audit.ts';
import { AppError, underPath, validationError, type FieldIssue } from '../domain/errors.ts';
import { placeholderNames } from '../domain/placeholders.ts';
import type { ActionComponent, Task, TaskDefinition } from '../domain/task.ts';
import { TaskCreateInput } from '../domain/task-schema.ts';
import type { ItemOutcome, RecordedResult, RunCause, RunStatus } from '../domain/run.ts';
import { compileValidator } from '../domain/validation.ts';
import type { DeliveryPreview } from '../plugins/delivery-preview.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { RunTicket, Store } from '../store/store.ts';
import type { TaskService } from '../tasks/task-service.ts';
import { loadOwner } from '../engine/owner-state.ts';
import { RunLog } from '../engine/run-log.ts';
import type { Runner } from '../engine/runner.ts';
import { RunStartInput } from './run-schema.ts';
import { checkParameters } from './run-parameters.ts';

/** An unsaved run runs in the request: at most this long, whatever the task's timeout says. */
export const MAX_UNSAVED_RUN_SECONDS = 300;
/** Unsaved runs one user may have going at once, and this server in all. */
const PER_USER = 2;
const IN_ALL = 8;

/** Body of POST /tasks/execute. */
export const ExecuteInput = Type.Object(
  {
    task: TaskCreateInput,
    basedOn: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'A saved task you may edit: secrets sent masked keep its values, as when saving it',
      }),
    ),
    parameters: RunStartInput.properties.parameters,
    dryRun: Type.Optional(
      Type.Boolean({
        description: 'Jobs run; actions only report what they would deliver (default false)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExecuteInput = Static<typeof ExecuteInput>;
const validateExecute = compileValidator(ExecuteInput);

/** What an action of a dry run would deliver, with the item and action it is of. */
export type DeliveryReport = DeliveryPreview & {
  itemIndex: number;
  actionId: string;
  kind: string;
};

/** How an unsaved task's run went; nothing of it is recorded. */
export interface UnsavedRunReport {
  dryRun: boolean;
  status: RunStatus;
  reasonCode: string | null;
  reason: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  items: ItemOutcome[];
  results: RecordedResult[];
  deliveries: DeliveryReport[];
  log: string;
}

/**
 * A task definition as an unsaved run holds it: a task of the caller's that is not stored, its
 * timeout at most the cap, so that a run stopped by the cap says how long it was given.
 */
function unsavedTask(definition: TaskDefinition, owner: { id: string; login: string }): Task {
  const now = new Date();
  const { timeoutSeconds } = definition.policy;
  return {
    ...definition,
    policy: {
      ...definition.policy,
      timeoutSeconds: Math.min(timeoutSeconds ?? Infinity, MAX_UNSAVED_RUN_SECONDS),
    },
    id: `unsaved-${randomUUID()}`,
    ownerId: owner.id,
    ownerLogin: owner.login,
    ownerName: owner.login,
    hidden: false,
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Refuses an action that starts a task (next-task) which is not one of the caller's: it could
 * never start it, and a dry run would say it would. Missing and foreign tasks are answered alike.
 * A task named by a placeholder is checked when the run starts it.
 */
async function requireOwnStartedTasks(
  store: Store,
  registry: ComponentRegistry,
  ownerId: string,
  definition: TaskDefinition,
): Promise<void> {
  const started = definition.actions.flatMap((action, index) => {
    const kind = registry.get('action', action.kind);
    const taskId = kind?.category === 'action' ? kind.startsTask?.(action.config) : null;
    return taskId && placeholderNames(taskId).length === 0 ? [{ index, taskId }] : [];
  });
  if (started.length === 0) return;
  const found = await store.tasks.getMany(started.map((each) => each.taskId));
  const own = new Set(found.filter((task) => task.ownerId === ownerId).map((task) => task.id));
  const issues: FieldIssue[] = started
    .filter(({ taskId }) => !own.has(taskId))
    .map(({ index, taskId }) => ({
      path: `/task/actions/${index}/config`,
      message: `you have no task '${taskId}' to start`,
    }));
  if (issues.length > 0) throw validationError(issues);
}

/** Counts the unsaved runs going, per user and in all, and refuses past the limits. */
class UnsavedRunSlots {
  readonly #perUser = new Map<string, number>();
  #inAll = 0;

  take(userId: string): () => void {
    const mine = this.#perUser.get(userId) ?? 0;
    if (mine >= PER_USER || this.#inAll >= IN_ALL) {
      const detail =
        mine >= PER_USER
          ? `You have ${mine} unsaved runs going; wait for one to end`
          : 'The server has as many unsaved runs going as it takes; try again shortly';
      throw new AppError('TOO_MANY_UNSAVED_RUNS', detail, { headers: { 'retry-after': '10' } });
    }
    this.#perUser.set(userId, mine + 1);
    this.#inAll++;
    return () => {
      const left = (this.#perUser.get(userId) ?? 1) - 1;
      if (left === 0) this.#perUser.delete(userId);
      else this.#perUser.set(userId, left);
      this.#inAll--;
    };
  }
}

/**
 * Runs a task definition without saving it (POST /tasks/execute): as the caller, checked as a
 * task of theirs would be when saved and when run, within the request. Its files are described,
 * not kept, its mail is queued at once, and a dry run's actions only say what they would deliver.
 * Nothing of it is recorded but the audit event and its mail.
 */
export class UnsavedRunService {
  readonly #slots = new UnsavedRunSlots();

  constructor(
    private readonly store: Store,
    private readonly tasks: TaskService,
    private readonly runner: Runner,
    private readonly now: () => number,
  ) {}

  async execute(
    caller: Caller,
    raw: unknown,
    cause: RunCause,
    signal: AbortSignal,
  ): Promise<UnsavedRunReport> {
    requirePlanner(caller);
    const user = caller.user;
    if (!user) throw new AppError('FORBIDDEN', 'Only a user can run a task');
    const input = validateExecute(raw);
    const parameters = input.parameters ?? {};
    checkParameters(parameters);
    const definition = await this.tasks
      .unsaved(caller, input.task, input.basedOn)
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
          throw underPath(error, '/task');
        }
        throw error;
      });
    await requireOwnStartedTasks(this.store, this.tasks.registry, user.id, definition);
    const release = this.#slots.take(user.id);
    try {
      const task = unsavedTask(definition, user);
      const dryRun = input.dryRun ?? false;
      const details = {
        name: task.name,
        dryRun,
        ...(input.basedOn ? { basedOn: input.basedOn } : {}),
      };
      await this.store.audit.append(
        auditEvent(caller.actor, new Date(this.now()), 'task.execute', 'task', task.id, details),
      );
      return await this.#run(task, { parameters, cause, dryRun }, signal);
    } finally {
      release();
    }
  }

  async #run(
    task: Task,
    run: { parameters: Record<string, string>; cause: RunCause; dryRun: boolean },
    requestSignal: AbortSignal,
  ): Promise<UnsavedRunReport> {
    const ticket: RunTicket = {
      id: randomUUID(),
      taskId: task.id,
      ownerId: task.ownerId,
      triggerId: null,
      cause: run.cause,
      scheduledFor: null,
      attempt: 1,
      retryOf: null,
      parameters: run.parameters,
      chain: [task.id],
    };
    const seconds = task.policy.timeoutSeconds ?? MAX_UNSAVED_RUN_SECONDS;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort('timed-out'), seconds * 1000);
    try {
      const signal = AbortSignal.any([requestSignal, timeout.signal]);
      return await this.#execute(task, ticket, run.dryRun, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async #execute(
    task: Task,
    ticket: RunTicket,
    dryRun: boolean,
    signal: AbortSignal,
  ): Promise<UnsavedRunReport> {
    const log = new RunLog(this.now);
    const deliveries: DeliveryReport[] = [];
    const previews = (itemIndex: number, action: ActionComponent, preview: DeliveryPreview) =>
      deliveries.push({ ...preview, itemIndex, actionId: action.id, kind: action.kind });
    const startedAt = this.now();
    log.info(`unsaved run started (${dryRun ? 'dry run, ' : ''}${ticket.cause}), not recorded`);
    const owner = await loadOwner(this.store, task.ownerId);
    const execution = await this.runner.execute(
      ticket,
      task,
      owner,
      log,
      signal,
      { held: false },
      { unsaved: true, ...(dryRun ? { previews } : {}) },
    );
    const finishedAt = this.now();
    log.info(`run ended ${execution.status}${execution.reason ? `: ${execution.reason}` : ''}`);
    return {
      dryRun,
      status: execution.status,
      reasonCode: execution.reasonCode,
      reason: execution.reason,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      items: execution.items,
      results: execution.results,
      deliveries,
      log: log.text,
    };
  }
}
