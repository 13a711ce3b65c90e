import type { ComponentCategory } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';

/*
 * Tasks point at other tasks by id: an after-task trigger follows one (the kind's `follows`),
 * a next-task action starts one (the kind's `startsTask`). An import gives every task a new
 * id, so these references are found and rewritten here. A kind that names its tasks in
 * `config.taskId` or `config.taskIds` (the built-ins do) can be rewritten; a reference held elsewhere is left as
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
  /** Whether the id sits in config.taskId (or taskIds), where it can be rewritten. */
  rewritable: boolean;
}

/** The tasks a component refers to, by its kind; none when the config is unreadable. */
function referencedIds(
  registry: ComponentRegistry,
  category: TaskReference['category'],
  component: ComponentEntry,
): string[] {
  const config = component.config ?? {};
  try {
    if (category === 'trigger')
      return registry.get('trigger', component.kind)?.follows?.(config)?.taskIds ?? [];
    const started = registry.get('action', component.kind)?.startsTask?.(config);
    return started ? [started] : [];
  } catch {
    // A config the kind cannot read refers to nothing; saving the task names what is wrong.
    return [];
  }
}

/** Whether the id sits in config.taskId or config.taskIds, where it can be rewritten. */
function isRewritable(config: Record<string, unknown>, taskId: string): boolean {
  const listed = Array.isArray(config.taskIds) && config.taskIds.includes(taskId);
  return config.taskId === taskId || listed;
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
      for (const taskId of referencedIds(registry, category, component)) {
        if (typeof taskId !== 'string' || taskId === '') continue;
        const rewritable = isRewritable(component.config ?? {}, taskId);
        found.push({ category, index, taskId, rewritable });
      }
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
    const references = referencesOf(registry, { [`${category}s`]: [component] });
    if (!references.some((each) => each.rewritable && newIds.has(each.taskId))) return component;
    const config = { ...component.config };
    const mapped = (id: unknown) => (typeof id === 'string' ? (newIds.get(id) ?? id) : id);
    if (typeof config.taskId === 'string') config.taskId = mapped(config.taskId);
    if (Array.isArray(config.taskIds)) config.taskIds = config.taskIds.map(mapped);
    return { ...component, config };
  };
  return {
    ...entry,
    ...(entry.triggers ? { triggers: entry.triggers.map((c) => rewrite('trigger', c)) } : {}),
    ...(entry.actions ? { actions: entry.actions.map((c) => rewrite('action', c)) } : {}),
  };
}
