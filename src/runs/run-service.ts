import { requirePermission, requirePlanner, type Caller } from '../auth/caller.ts';
import { AppError, notFound } from '../domain/errors.ts';
import {
  isFinal,
  type Run,
  type RunCause,
  type RunListQuery,
  type RunStatus,
} from '../domain/run.ts';
import type { Task } from '../domain/task.ts';
import type { AccessLevel } from '../domain/task-access.ts';
import { enqueueRun } from '../engine/enqueue.ts';
import { isOwnerEdit, reachedPermissions, requireEditorHolds } from '../tasks/editor-rights.ts';
import type { LiveRuns } from '../engine/live-runs.ts';
import type { Artifact, Page, Store } from '../store/store.ts';
import type { TaskService } from '../tasks/task-service.ts';
import { checkParameters } from './run-parameters.ts';
import { requireNoSecretSteeringParameters } from '../tasks/secret-destinations.ts';
import type { RunListParams } from './run-schema.ts';

/** A task's latest run and next scheduled fire, for the task list. */
export interface TaskRunStatus {
  lastRun: Run | null;
  nextRunAt: Date | null;
}

/** Runs as their users see them: the runs of the tasks they can see, nothing else. */
export class RunService {
  constructor(
    private readonly store: Store,
    private readonly tasks: TaskService,
    private readonly live: LiveRuns,
    private readonly now: () => Date,
  ) {}

  /** Queues a run of a task the caller can see, enabled or not; returns its id. */
  async start(
    caller: Caller,
    taskId: string,
    cause: RunCause,
    parameters: Record<string, string>,
  ): Promise<string> {
    const task = await this.tasks.get(caller, taskId, 'run');
    checkParameters(parameters);
    // Parameters fill the owner's components: from anyone else they could be a program's
    // arguments, so they need the permissions of everything the task runs.
    if (Object.keys(parameters).length > 0 && !isOwnerEdit(caller, task.ownerId)) {
      const { registry } = this.tasks;
      requireNoSecretSteeringParameters(task, registry, parameters);
      requireEditorHolds(
        caller,
        await reachedPermissions(this.store, registry, task.ownerId, task),
      );
    }
    const runId = await enqueueRun(
      this.store,
      task,
      { cause, triggerId: null, parameters },
      this.now().getTime(),
    );
    // Only an event's occurrence can be taken already; a manual run is always new.
    if (runId === null) throw new Error('the run was not queued');
    return runId;
  }

  async list(caller: Caller, params: RunListParams): Promise<Page<Run>> {
    const { admin } = requirePlanner(caller);
    if (params.taskId !== undefined) await this.tasks.get(caller, params.taskId);
    const query: RunListQuery = {
      scope:
        admin || !caller.user ? { kind: 'everyone' } : { kind: 'visible', userId: caller.user.id },
      limit: params.limit ?? 50,
      ...(params.taskId === undefined ? {} : { taskId: params.taskId }),
      ...(params.status === undefined ? {} : { status: params.status.split(',') as RunStatus[] }),
      ...(params.from === undefined ? {} : { from: new Date(params.from) }),
      ...(params.to === undefined ? {} : { to: new Date(params.to) }),
      ...(params.cursor === undefined ? {} : { cursor: params.cursor }),
    };
    return this.store.runs.list(query);
  }

  /**
   * The run if the caller can see its task (NOT_FOUND otherwise) and reaches the task at the
   * needed level (FORBIDDEN otherwise).
   */
  async get(caller: Caller, id: string, needed: AccessLevel = 'view'): Promise<Run> {
    const run = await this.store.runs.get(id);
    if (!run) throw notFound('Run');
    try {
      await this.tasks.get(caller, run.taskId, needed);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound('Run');
      throw error;
    }
    return run;
  }

  /** Cancels a queued run at once, or asks the node running it to stop it. */
  async cancel(caller: Caller, id: string): Promise<Run> {
    const run = await this.get(caller, id, 'run');
    if (isFinal(run.status))
      throw new AppError('RUN_ENDED', `The run has already ended ${run.status}`);
    await this.store.transaction(async (tx) => {
      await tx.queue.cancel(id, this.now().getTime());
      await tx.publish({ type: 'cancel', runId: id });
    });
    this.live.get(id)?.stop('canceled');
    return this.get(caller, id);
  }

  /**
   * The log so far: from this node's memory while it runs here, else as saved (once its end is
   * written, the saved log also holds the notes written with it, such as its notices).
   */
  async log(caller: Caller, id: string): Promise<{ run: Run; text: string }> {
    const run = await this.get(caller, id);
    const live = isFinal(run.status) ? undefined : this.live.get(id);
    return { run, text: live ? live.log.text : ((await this.store.runs.log(id)) ?? '') };
  }

  async artifact(caller: Caller, runId: string, artifactId: string): Promise<Artifact> {
    await this.get(caller, runId);
    const artifact = await this.store.runs.artifact(runId, artifactId);
    if (!artifact) throw notFound('Artifact');
    // Seeing a run is not enough for what only some may read (an audit export).
    if (artifact.permission !== null) requirePermission(caller, artifact.permission);
    return artifact;
  }

  /** The latest run and next fire time of each task. */
  async statusOf(tasks: readonly Task[]): Promise<Map<string, TaskRunStatus>> {
    const ids = tasks.map((task) => task.id);
    const [latest, next] = await Promise.all([
      this.store.runs.latestOf(ids),
      this.store.triggers.nextFireOf(ids),
    ]);
    return new Map(
      ids.map((id) => {
        const nextAt = next.get(id);
        return [
          id,
          {
            lastRun: latest.get(id) ?? null,
            nextRunAt: nextAt === undefined ? null : new Date(nextAt),
          },
        ];
      }),
    );
  }
}
