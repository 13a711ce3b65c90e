import { isReservedName, placeholderNames } from '../../../src/domain/placeholders.ts';
import type { Task } from '../types.ts';

/** Placeholders a trigger or the clock fills, besides the engine's reserved ones. */
const FILLED_OTHERWISE = /^event(?:\.|$)|^(?:date|time)$/;

/** Every string in a value, however deep. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * The placeholders the task's components use that a run's parameters may give, in order of
 * first use: {region} in a job's query, {email} in an action's recipients. (A series gives some
 * of them itself; a parameter of the same name is then overridden by its fields.)
 */
export function parameterNamesOf(task: Pick<Task, 'triggers' | 'jobs' | 'actions' | 'series'>) {
  const components = [...task.triggers, ...task.jobs, ...task.actions, task.series];
  const names = stringsIn(components.map((component) => component?.config ?? {})).flatMap(
    placeholderNames,
  );
  return [...new Set(names)].filter(
    (name) => !isReservedName(name) && !FILLED_OTHERWISE.test(name),
  );
}
