import { AppError } from '../domain/errors.ts';
import type { Component, Task } from '../domain/task.ts';
import { enqueueRun } from '../engine/enqueue.ts';
import type { HttpTriggerConfig } from '../plugins/builtin/triggers/http.ts';
import { HookLinks, type HookBinding } from '../secrets/hook-links.ts';
import type { Store } from '../store/store.ts';
import { checkParameters } from './run-parameters.ts';

/** Every way a hook can fail to start its task looks the same from outside. */
function noSuchHook(): AppError {
  return new AppError('NOT_FOUND', 'No task answers at this URL (or its trigger is off)');
}

/** What the URL of an HTTP trigger of the task is bound to. */
function bindingOf(task: Task, trigger: Component): HookBinding {
  const { rotation } = trigger.config as HttpTriggerConfig;
  return { taskId: task.id, triggerId: trigger.id, rotation, ownerId: task.ownerId };
}

/** Starts tasks through the URLs of their HTTP triggers. */
export class HookService {
  constructor(
    private readonly store: Store,
    private readonly links: HookLinks,
    private readonly now: () => Date,
  ) {}

  /** The URL paths of a task's HTTP triggers, by trigger id. */
  pathsOf(task: Task): Array<{ triggerId: string; path: string }> {
    return task.triggers
      .filter((trigger) => trigger.kind === 'http')
      .map((trigger) => ({
        triggerId: trigger.id,
        path: this.links.path(bindingOf(task, trigger)),
      }));
  }

  /**
   * Queues a run for a call of a hook URL; 404 unless the token names an HTTP trigger of an
   * enabled task that accepts the method.
   */
  async start(token: string, method: string, parameters: Record<string, string>): Promise<string> {
    const claimed = HookLinks.parse(token);
    if (!claimed) throw noSuchHook();
    const task = await this.store.tasks.get(claimed.taskId);
    const trigger = task?.triggers.find(
      (each) => each.id === claimed.triggerId && each.kind === 'http',
    );
    if (!task || !trigger) throw noSuchHook();
    const config = trigger.config as HttpTriggerConfig;
    if (!this.links.verify(bindingOf(task, trigger), claimed.signature)) throw noSuchHook();
    if (!task.enabled || !config.methods.includes(method as 'GET' | 'POST')) throw noSuchHook();
    checkParameters(parameters);
    const runId = await enqueueRun(
      this.store,
      task,
      { cause: 'http', triggerId: trigger.id, parameters },
      this.now().getTime(),
    );
    if (runId === null) throw new Error('the run was not queued');
    return runId;
  }
}
