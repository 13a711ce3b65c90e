import { createHash } from 'node:crypto';
import { HolidayCalendarUnavailable, type HolidayRegister } from '../calendar/holiday-register.ts';
import { untilExpiry, type Component, type Task } from '../domain/task.ts';
import type { FireTimes, TriggerKind } from '../plugins/component-kind.ts';
import { timeTrigger } from '../plugins/builtin/triggers/time.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { Store, StoredTrigger } from '../store/store.ts';

/** What working out triggers' fire times needs: the kinds, and the holiday days read here. */
export interface TriggerSchedules {
  registry: ComponentRegistry;
  holidays: HolidayRegister;
}

/**
 * What a trigger's next fire time depends on: its config, the task's zone and expiry, and for a
 * schedule the days of its holiday calendars as this node knows them (so that a changed
 * calendar makes it fire first after now, with the new days).
 */
function fingerprintOf(trigger: Component, task: Task, holidayDays: HolidayRegister): string {
  const facts: unknown[] = [trigger.kind, trigger.config, task.timezone, task.expiresAt];
  const holidays = holidayDays.digestFor(trigger.config, task.timezone);
  if (trigger.kind === timeTrigger.kind && holidays !== '') facts.push(holidays);
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url').slice(0, 22);
}

function firstFireAfter(
  kind: TriggerKind,
  trigger: Component,
  task: Task,
  { holidays, now }: { holidays: HolidayRegister; now: number },
) {
  if (!kind.schedule) return null;
  let fireTimes: FireTimes;
  try {
    fireTimes = kind.schedule(trigger.config, task.timezone, holidays.daysOf);
  } catch (error) {
    // Until its holiday calendars are read it has no next fire time: the engine reads them,
    // gives it one (see engine/holiday-calendars.ts) or records on the task why it cannot.
    if (error instanceof HolidayCalendarUnavailable) return null;
    // Stored configs were checked when saved; one that no longer compiles (a task enabled after
    // an upgrade) is due at once: the claim records why on the task, and it fires no more.
    return now;
  }
  try {
    return untilExpiry(fireTimes, task.expiresAt)(now);
  } catch {
    return null;
  }
}

/**
 * The triggers to store for a task: none while it is disabled. A scheduled trigger that
 * did not change keeps its next fire time, so an edit never drops or repeats an occurrence;
 * a new or changed one fires first after now.
 */
export function storedTriggersOf(
  task: Task,
  { registry, holidays }: TriggerSchedules,
  previous: readonly StoredTrigger[],
  now: number,
): StoredTrigger[] {
  if (!task.enabled) return [];
  return task.triggers.flatMap((trigger): StoredTrigger[] => {
    const kind = registry.get('trigger', trigger.kind);
    if (!kind) return [];
    const fingerprint = fingerprintOf(trigger, task, holidays);
    const kept = previous.find(
      (row) => row.triggerId === trigger.id && row.fingerprint === fingerprint,
    );
    return [
      {
        taskId: task.id,
        triggerId: trigger.id,
        kind: trigger.kind,
        fingerprint,
        nextFireAt: kept ? kept.nextFireAt : firstFireAfter(kind, trigger, task, { holidays, now }),
        follows: kind.follows?.(trigger.config) ?? null,
      },
    ];
  });
}

/**
 * Takes back the task's occurrences claimed ahead and not begun, which were planned with the
 * task as it was: a trigger that did not change steps back to them, so the next claim plans them
 * again with the task as it is now; the occurrences of a changed or removed trigger, or of a
 * disabled task, are gone with it. The node holding them finds them gone and does not begin them.
 */
async function withdrawReservations(store: Store, taskId: string, kept: readonly StoredTrigger[]) {
  const reserved = await store.queue.claimedOf(taskId);
  const withdrawn = await store.queue.withdraw(reserved);
  const rewind = kept.flatMap((trigger) => {
    const times = reserved
      .filter((run) => withdrawn.has(run.id) && run.triggerId === trigger.triggerId)
      .map((run) => run.scheduledFor ?? Infinity);
    const to = Math.min(...times);
    return Number.isFinite(to) ? [{ taskId, triggerId: trigger.triggerId, to }] : [];
  });
  await store.triggers.rewind(rewind);
}

/** Stores the task's triggers (inside the caller's transaction) and tells every node. */
export async function syncTriggers(
  store: Store,
  task: Task,
  schedules: TriggerSchedules,
  now: number,
): Promise<void> {
  const previous = await store.triggers.forTask(task.id);
  const triggers = storedTriggersOf(task, schedules, previous, now);
  await store.triggers.replaceForTask(task.id, triggers);
  const kept = triggers.filter((trigger) =>
    previous.some(
      (before) =>
        before.triggerId === trigger.triggerId && before.fingerprint === trigger.fingerprint,
    ),
  );
  await withdrawReservations(store, task.id, kept);
  // An edit that gives an ended schedule a future brings the task back to the overview.
  if (task.hidden && triggers.some((trigger) => trigger.nextFireAt !== null)) {
    await store.tasks.setHidden([task.id], false);
  }
  await store.publish({ type: 'task', taskId: task.id });
}
