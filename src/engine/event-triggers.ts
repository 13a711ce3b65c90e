import { because, type ReasonCode } from '../domain/reason-codes.ts';
import type { Component, Task } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { RunLogger, TriggerContext } from '../plugins/run-context.ts';
import type { TriggerHost } from '../plugins/run-host.ts';
import { clearSecrets, openSecrets, redactSecrets } from '../secrets/protect-config.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { inComponentScope, triggerScope } from './component-scope.ts';
import { enqueueRun } from './enqueue.ts';
import { notRunRecord, type NotRunRecord } from './engine-events.ts';
import { loadOwner } from './owner-state.ts';
import { deniedTrigger, ownerProblem, type OwnerState } from './permission-check.ts';
import { coerceError } from '../domain/coerce-error.ts';
import { recordTriggerProblem } from './trigger-problems.ts';

type Stop = () => void | Promise<void>;
const LOAD_BATCH = 500;

/** What event triggers work with besides the store: their host, the secrets, the problems. */
export interface EventTriggerParts {
  host: TriggerHost;
  box: SecretBox;
  /** A trigger's problem was recorded on its task (see trigger-problems.ts). */
  onProblem: (record: NotRunRecord) => void;
}

/**
 * The event triggers (kinds with start()) of enabled tasks, started on this node: all at
 * server start, and again for a task whenever it changes. One that does not start (its
 * secrets cannot be opened, or its start throws) is logged and recorded on the task, as a
 * failed run its owner sees.
 */
export class EventTriggers {
  readonly #started = new Map<string, Stop[]>();
  readonly #refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly registry: ComponentRegistry,
    private readonly clock: Clock,
    private readonly logger: RunLogger,
    private readonly parts: EventTriggerParts,
  ) {}

  #eventKinds(): string[] {
    return this.registry
      .list('trigger')
      .flatMap((kind) => (kind.category === 'trigger' && kind.start ? [kind.kind] : []));
  }

  /** Starts the event triggers of every enabled task. */
  async startAll(): Promise<void> {
    const rows = await this.store.triggers.withKinds(this.#eventKinds());
    const taskIds = [...new Set(rows.map((row) => row.taskId))];
    for (let i = 0; i < taskIds.length; i += LOAD_BATCH) {
      const tasks = await this.store.tasks.getMany(taskIds.slice(i, i + LOAD_BATCH));
      // Owners of many tasks are read once, not once per task.
      const owners = new Map<string, Promise<OwnerState | undefined>>();
      for (const task of tasks) {
        if (!owners.has(task.ownerId))
          owners.set(task.ownerId, loadOwner(this.store, task.ownerId));
        await this.#start(task, 'server-start', await owners.get(task.ownerId));
      }
    }
  }

  /** Restarts a task's event triggers after it changed (or stops them if it is gone or disabled). */
  async refresh(taskId: string): Promise<void> {
    const kinds = new Set(this.#eventKinds());
    if (kinds.size === 0) return;
    // One refresh of a task at a time, so two quick changes cannot start its watchers twice.
    const previous = this.#refreshing.get(taskId) ?? Promise.resolve();
    const next = previous.then(async () => {
      await this.#stop(taskId);
      const task = await this.store.tasks.get(taskId);
      if (task?.enabled) {
        await this.#start(task, 'task-enabled', await loadOwner(this.store, task.ownerId));
      }
    });
    this.#refreshing.set(taskId, next);
    try {
      await next;
    } finally {
      if (this.#refreshing.get(taskId) === next) this.#refreshing.delete(taskId);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#started.keys()].map((taskId) => this.#stop(taskId)));
  }

  /** Starts the task's event triggers that its owner, as they are now, may use. */
  async #start(
    task: Task,
    reason: TriggerContext['reason'],
    owner: OwnerState | undefined,
  ): Promise<void> {
    if (!task.enabled) return;
    const stops: Stop[] = [];
    for (const trigger of task.triggers) {
      const kind = this.registry.get('trigger', trigger.kind);
      if (!kind?.start) continue;
      const refused =
        ownerProblem(owner) ?? (owner && deniedTrigger(task, trigger.id, this.registry, owner));
      if (refused) {
        // The owner's own doing (or an administrator's): logged, and not recorded on the task.
        this.logger.error(
          `trigger ${trigger.id} of task ${task.id} is not started: ${refused.reason}`,
        );
        continue;
      }
      const context: TriggerContext = {
        task: { id: task.id, name: task.name, ownerId: task.ownerId, timezone: task.timezone },
        triggerId: trigger.id,
        reason,
        fire: (cause, parameters = {}, occurrence) =>
          enqueueRun(
            this.store,
            task,
            { cause, triggerId: trigger.id, parameters, occurrence: occurrence ?? null },
            this.clock.now(),
          ),
        log: this.logger,
        host: {
          ...this.parts.host,
          calendarUnreadable: (message) =>
            this.#problem(
              task,
              trigger,
              'calendar-unreadable',
              `cannot read its calendar: ${message}`,
            ),
        },
        now: () => this.clock.now(),
        setTimer: (ms, fn) => this.clock.setTimer(ms, fn),
      };
      let config: unknown;
      try {
        config = openSecrets(this.parts.box, kind.configSchema, trigger.config);
      } catch (error) {
        const message = coerceError(error).message;
        await this.#problem(task, trigger, 'secrets-unreadable', `did not start: ${message}`);
        continue;
      }
      try {
        const scope = triggerScope(`trigger ${trigger.id} (${trigger.kind}) of task ${task.id}`);
        const stop = inComponentScope(scope, () => kind.start?.(config, context));
        if (stop) stops.push(stop);
      } catch (error) {
        const secrets = clearSecrets(this.parts.box, kind.configSchema, trigger.config);
        const message = redactSecrets(coerceError(error).message, secrets);
        await this.#problem(task, trigger, 'trigger-not-started', `did not start: ${message}`);
      }
    }
    if (stops.length > 0) this.#started.set(task.id, stops);
  }

  /** Tells the operator of the trigger's problem ("did not start: …"), and its task's owner (once). */
  async #problem(task: Task, trigger: Component, code: ReasonCode, problem: string) {
    this.logger.error(`trigger ${trigger.id} of task ${task.id} ${problem}`);
    const why = because(code, `trigger ${trigger.id} (${trigger.kind}) ${problem}`);
    try {
      const record = await recordTriggerProblem(
        this.store,
        task,
        trigger.id,
        why,
        this.clock.now(),
      );
      if (record) this.parts.onProblem(notRunRecord(record));
    } catch (error) {
      this.logger.error(
        `trigger ${trigger.id} of task ${task.id}: its problem could not be recorded: ${coerceError(error).message}`,
      );
    }
  }

  async #stop(taskId: string): Promise<void> {
    const stops = this.#started.get(taskId) ?? [];
    this.#started.delete(taskId);
    for (const stop of stops) {
      try {
        await stop();
      } catch (error) {
        this.logger.error(
          `trigger of task ${taskId} did not stop cleanly: ${coerceError(error).message}`,
        );
      }
    }
  }
}
