import { isDeepStrictEqual } from 'node:util';
import type { FieldIssue } from '../domain/errors.ts';
import type { Component, TaskDefinition } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import { WITHOUT_CALENDARS } from '../schedule/holiday-exclusions.ts';

/** How many next fires are looked at: enough to find a burst that repeats daily or weekly. */
const SAMPLED_FIRES = 100;

/**
 * The computing time (ms) looking at them may take for one trigger; a save waits for it.
 * Usual schedules need well under a millisecond for all of them.
 */
const SAMPLE_MS = 25;

/** The two closest of the next fires, and whether every gap between them was the same. */
interface ClosestFires {
  first: number;
  second: number;
  uniform: boolean;
}

/** The closest two of the trigger's next fires after now (as many as the time allows); null when fewer than two. */
export function closestFires(fireTimes: FireTimes, now: number): ClosestFires | null {
  const began = performance.now();
  let closest: ClosestFires | null = null;
  let previous = fireTimes(now);
  for (let i = 1; i < SAMPLED_FIRES && previous !== null; i++) {
    if (performance.now() - began > SAMPLE_MS) break;
    const next = fireTimes(previous);
    if (next === null) break;
    const gap = next - previous;
    if (closest === null || gap < closest.second - closest.first) {
      closest = { first: previous, second: next, uniform: closest === null };
    } else if (gap > closest.second - closest.first) {
      closest.uniform = false;
    }
    previous = next;
  }
  return closest;
}

/** A time span as people read it: "30 s", "5 min", "2 h". */
export function spanText(ms: number): string {
  const seconds = ms / 1000;
  if (seconds >= 7200 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 120 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${Number(seconds.toFixed(3))} s`;
}

/** Why the fires are too close, or null when they are not. */
function tooClose(fires: ClosestFires, minimumMs: number): string | null {
  const gap = fires.second - fires.first;
  if (gap >= minimumMs) return null;
  const how = fires.uniform
    ? `fires every ${spanText(gap)}`
    : `fires ${spanText(gap)} apart (at ${new Date(fires.first).toISOString()} and ${new Date(fires.second).toISOString()})`;
  return `${how}; this server allows at most one run every ${spanText(minimumMs)}`;
}

/** Whether the trigger fires as it did before: same kind and config in the same zone. */
function unchanged(
  trigger: Component,
  definition: TaskDefinition,
  previous: TaskDefinition | null,
): boolean {
  if (previous === null || previous.timezone !== definition.timezone) return false;
  const before = previous.triggers.find((each) => each.id === trigger.id);
  return before?.kind === trigger.kind && isDeepStrictEqual(before.config, trigger.config);
}

/**
 * The scheduled triggers of the definition that fire more often than the minimum allows,
 * each named by its path. Only triggers that are new or changed since `previous` are looked
 * at (null: all), so a lower limit does not make every older task uneditable.
 */
export function spacingIssues(
  registry: ComponentRegistry,
  definition: TaskDefinition,
  previous: TaskDefinition | null,
  minimumSeconds: number,
  now: number,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [index, trigger] of definition.triggers.entries()) {
    const schedule = registry.get('trigger', trigger.kind)?.schedule;
    if (!schedule || unchanged(trigger, definition, previous)) continue;
    let fires: ClosestFires | null;
    try {
      // Holiday days only ever remove fires: without them the spacing is checked at its closest.
      fires = closestFires(schedule(trigger.config, definition.timezone, WITHOUT_CALENDARS), now);
    } catch {
      // The kind's own check refused what does not compute; nothing fires, nothing is too close.
      continue;
    }
    const problem = fires && tooClose(fires, minimumSeconds * 1000);
    if (problem) issues.push({ path: `/triggers/${index}`, message: problem });
  }
  return issues;
}
