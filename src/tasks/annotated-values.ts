import { mapConfigStrings, type FieldAnnotations } from '../domain/config-fields.ts';
import { placeholderNames } from '../domain/placeholders.ts';
import type { ComponentCategory, TaskDefinition } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';

/** A text of a component's config, with where it is in the task (e.g. /jobs/0/config/folder). */
export interface AnnotatedValue {
  path: string;
  text: string;
}

/** Where a component sits in a task's JSON: /triggers/0, /series. */
function placeOf(category: ComponentCategory, index: number): string {
  return category === 'series' ? '/series' : `/${category}s/${index}`;
}

/** Each text of a field the pick accepts, with its kind, its pointer in the config and its place. */
function valuesOf(
  registry: ComponentRegistry,
  definition: TaskDefinition,
  pick: (field: FieldAnnotations) => boolean,
) {
  const lists: Array<[ComponentCategory, TaskDefinition['triggers']]> = [
    ['trigger', definition.triggers],
    ['job', definition.jobs],
    ['action', definition.actions],
    ['series', definition.series ? [definition.series] : []],
  ];
  return lists.flatMap(([category, components]) =>
    components.flatMap((component, index) => {
      const schema = registry.get(category, component.kind)?.configSchema;
      if (schema === undefined) return [];
      const found: Array<{ field: string; text: string; path: string }> = [];
      mapConfigStrings(schema, component.config, (text, annotations, pointer) => {
        if (pick(annotations))
          found.push({
            field: `${category} ${component.kind} ${pointer}`,
            text,
            path: `${placeOf(category, index)}/config${pointer}`,
          });
        return text;
      });
      return found;
    }),
  );
}

/**
 * The texts of fields the pick accepts that a save brings in: those that are new or changed,
 * holding no placeholder (a placeholder's value is known only when the task runs). A text the
 * same field of a component of the same kind held before is left alone, so that a task whose
 * folder or data source went away since can still be edited otherwise.
 */
export function newAnnotatedValues(
  registry: ComponentRegistry,
  definition: TaskDefinition,
  previous: TaskDefinition | null,
  pick: (field: FieldAnnotations) => boolean,
): AnnotatedValue[] {
  const before = new Set(
    previous
      ? valuesOf(registry, previous, pick).map(({ field, text }) => `${field}\n${text}`)
      : [],
  );
  return valuesOf(registry, definition, pick)
    .filter(({ field, text }) => !before.has(`${field}\n${text}`))
    .filter(({ text }) => placeholderNames(text).length === 0)
    .map(({ path, text }) => ({ path, text }));
}
