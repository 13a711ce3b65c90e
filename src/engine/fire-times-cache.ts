import { untilExpiry, type Task } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { StoredTrigger } from '../store/store.ts';

const MAX_CACHED = 10_000;

/**
 * The fire times of stored triggers, compiled once per trigger config and zone (compiling
 * costs more than computing) and cut at the task's expiry.
 */
export class FireTimesCache {
  readonly #compiled = new Map<string, FireTimes | null>();

  constructor(private readonly registry: ComponentRegistry) {}

  /** The trigger's fire times, or null when its kind is not scheduled (any more). */
  of(task: Task, trigger: StoredTrigger): FireTimes | null {
    const fireTimes = this.#compile(task, trigger);
    return fireTimes && untilExpiry(fireTimes, task.expiresAt);
  }

  /** Whether at is an occurrence of the trigger as the task stands now. */
  isOccurrence(task: Task, trigger: StoredTrigger, at: number): boolean {
    return this.of(task, trigger)?.(at - 1) === at;
  }

  #compile(task: Task, trigger: StoredTrigger): FireTimes | null {
    const cached = this.#compiled.get(trigger.fingerprint);
    if (cached !== undefined) return cached;
    const component = task.triggers.find((each) => each.id === trigger.triggerId);
    const kind = this.registry.get('trigger', trigger.kind);
    let fireTimes: FireTimes | null = null;
    if (component && kind?.schedule) {
      try {
        fireTimes = kind.schedule(component.config, task.timezone);
      } catch {
        fireTimes = null;
      }
    }
    if (this.#compiled.size >= MAX_CACHED) this.#compiled.clear();
    this.#compiled.set(trigger.fingerprint, fireTimes);
    return fireTimes;
  }
}
