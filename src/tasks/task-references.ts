import type { ComponentCategory } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';

/*
 * Tasks point at other tasks by id: an after-task trigger follows one (the kind's `follows`),
 * a next-task action starts one (the kind's `startsTask`). An import gives every task a new
 * id, so these references are found and rewritten here. A kind that names its task in
 * `config.taskId` (both built-ins do) can be rewritten; a reference held elsewhere is left as
 * it is, as a reference to a task outside the document.
 */

/** A component as a document carries it (the input shape of a task). */
interface ComponentEntry {
  kind: string;
  config?: Record<string, unknown> | undefined;
}

/** The parts of a task entry that may refer to other tasks. */
export interface ReferringParts {
  triggers?: ComponentEntry[] | undefined;
  actions?: ComponentEntry[] | undefined;
}

/** One reference of a task to another task: which component, and the id it names. */
export interface TaskReference {
  category: Extract<ComponentCategory, 'trigger' | 'action'>;
  /** The component's index in its list. */
  index: number;
  taskId: string;
  /** Whether the id sits in config.taskId, where it can be rewritten. */
  rewritable: boolean;
}

/** The task a component refers to, by its kind; null when none (or the config is unreadable). */
function referencedId(
  registry: ComponentRegistry,
  category: TaskReference['category'],
  component: ComponentEntry,
): string | null {
  const config = component.config ?? {};
  try {
    if (category === 'trigger')
      return registry.get('trigger', component.kind)?.follows?.(config)?.taskId ?? null;
    return registry.get('action', component.kind)?.startsTask?.(config) ?? null;
  } catch {
    // A config the kind cannot read refers to nothing; saving the task names what is wrong.
    return null;
  }
}

/** Every reference the entry's triggers and actions make to another task. */
export function referencesOf(registry: ComponentRegistry, entry: ReferringParts): TaskReference[] {
  const found: TaskReference[] = [];
  const lists = [
    ['trigger', entry.triggers ?? []],
    ['action', entry.actions ?? []],
  ] as const;
  for (const [category, components] of lists) {
    for (const [index, component] of components.entries()) {
      const taskId = referencedId(registry, category, component);
      if (typeof taskId !== 'string' || taskId === '') continue;
      const rewritable = component.config?.taskId === taskId;
      found.push({ category, index, taskId, rewritable });
    }
  }
  return found;
}

/** The entry with each rewritable reference whose id the map holds pointing at the mapped id. */
export function withReferencesRewritten<T extends ReferringParts>(
  registry: ComponentRegistry,
  entry: T,
  newIds: ReadonlyMap<string, string>,
): T {
  const rewrite = (category: TaskReference['category'], component: ComponentEntry) => {
    const [reference] = referencesOf(registry, { [`${category}s`]: [component] });
    const newId = reference?.rewritable ? newIds.get(reference.taskId) : undefined;
    return newId === undefined
      ? component
      : { ...component, config: { ...component.config, taskId: newId } };
  };
  return {
    ...entry,
    ...(entry.triggers ? { triggers: entry.triggers.map((c) => rewrite('trigger', c)) } : {}),
    ...(entry.actions ? { actions: entry.actions.map((c) => rewrite('action', c)) } : {}),
  };
}
