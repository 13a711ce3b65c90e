import { HolidayCalendarUnavailable, type HolidayRegister } from '../calendar/holiday-register.ts';
import { coerceError } from '../domain/coerce-error.ts';
import { untilExpiry, type Task } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { StoredTrigger } from '../store/store.ts';

const MAX_CACHED = 10_000;

/** A trigger's compiled schedule, or why it has none (null: its kind is not scheduled). */
type Compiled =
  { fireTimes: FireTimes; problem: null } | { fireTimes: null; problem: string | null };

/**
 * The fire times of stored triggers, compiled once per trigger config, zone and days of its
 * holiday calendars (compiling costs more than computing), and cut at the task's expiry. A
 * schedule that does not compile has none, and the reason is kept: the claim records it for the
 * task's owner (claim-plan.ts).
 */
export class FireTimesCache {
  readonly #compiled = new Map<string, Compiled>();

  constructor(
    private readonly registry: ComponentRegistry,
    /** The days of holiday calendars this server has read. */
    private readonly holidays: HolidayRegister,
  ) {}

  /** The trigger's fire times, or null when its kind is not scheduled (any more) or they fail. */
  of(task: Task, trigger: StoredTrigger): FireTimes | null {
    const { fireTimes } = this.#compile(task, trigger);
    return fireTimes && untilExpiry(fireTimes, task.expiresAt);
  }

  /**
   * Why a trigger stored with a next fire time has no fire times: its schedule no longer
   * compiles, or its kind is gone or no longer scheduled; null when it has them.
   */
  problemOf(task: Task, trigger: StoredTrigger): string | null {
    const compiled = this.#compile(task, trigger);
    if (compiled.fireTimes) return null;
    return compiled.problem ?? `its kind '${trigger.kind}' has no schedule (any more)`;
  }

  /** Whether at is an occurrence of the trigger as the task stands now. */
  isOccurrence(task: Task, trigger: StoredTrigger, at: number): boolean {
    return this.of(task, trigger)?.(at - 1) === at;
  }

  #compile(task: Task, trigger: StoredTrigger): Compiled {
    const key = this.#keyOf(task, trigger);
    const cached = this.#compiled.get(key);
    if (cached !== undefined) return cached;
    const compiled = this.#compileNow(task, trigger);
    if (this.#compiled.size >= MAX_CACHED) this.#compiled.clear();
    this.#compiled.set(key, compiled);
    return compiled;
  }

  /**
   * The stored fingerprint, and the days of the trigger's holiday calendars as this node knows
   * them: another node may have stored the fingerprint with days this one has not read yet.
   */
  #keyOf(task: Task, trigger: StoredTrigger): string {
    const component = task.triggers.find((each) => each.id === trigger.triggerId);
    const holidays = component ? this.holidays.digestFor(component.config, task.timezone) : '';
    return holidays === '' ? trigger.fingerprint : `${trigger.fingerprint} ${holidays}`;
  }

  #compileNow(task: Task, trigger: StoredTrigger): Compiled {
    const component = task.triggers.find((each) => each.id === trigger.triggerId);
    const kind = this.registry.get('trigger', trigger.kind);
    if (!kind) {
      return { fireTimes: null, problem: `its kind '${trigger.kind}' is not installed` };
    }
    if (!component || !kind.schedule) return { fireTimes: null, problem: null };
    try {
      return {
        fireTimes: kind.schedule(component.config, task.timezone, this.holidays.daysOf),
        problem: null,
      };
    } catch (error) {
      if (error instanceof HolidayCalendarUnavailable) {
        const again = 'it fires again once the calendar is read';
        return { fireTimes: null, problem: `${error.message} (${again})` };
      }
      return {
        fireTimes: null,
        problem: `its schedule does not compile: ${coerceError(error).message}`,
      };
    }
  }
}
