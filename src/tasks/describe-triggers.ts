import type { Task } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';

/** What starts a task, in words: each trigger described by its kind, or "Only by hand". */
export function describeTriggers(task: Task, registry: ComponentRegistry): string {
  const parts = task.triggers.map((trigger) => {
    const kind = registry.get('trigger', trigger.kind);
    if (!kind) return `Unknown trigger ${trigger.kind}`;
    try {
      return kind.describe?.(trigger.config, task.timezone) ?? kind.title;
    } catch {
      return kind.title;
    }
  });
  return parts.length === 0 ? 'Only by hand' : parts.join('; ');
}
