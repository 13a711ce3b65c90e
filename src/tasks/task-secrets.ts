import type { FieldIssue } from '../domain/errors.ts';
import type { Component, ComponentCategory, TaskDefinition } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import { MaskedSecretError, maskSecrets, sealSecrets } from '../secrets/protect-config.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

type Parts = Pick<TaskDefinition, 'triggers' | 'jobs' | 'actions' | 'series'>;

/** The components of a definition with their category. */
function componentsOf(definition: Parts): Array<[ComponentCategory, Component]> {
  return [
    ...definition.triggers.map((c): [ComponentCategory, Component] => ['trigger', c]),
    ...definition.jobs.map((c): [ComponentCategory, Component] => ['job', c]),
    ...definition.actions.map((c): [ComponentCategory, Component] => ['action', c]),
    ...(definition.series ? [['series', definition.series] as [ComponentCategory, Component]] : []),
  ];
}

/**
 * Seals the secret fields of a component's config for storing; a field sent back masked
 * keeps the value of the same component (by id) in the previous definition.
 */
export function sealComponentSecrets(
  registry: ComponentRegistry,
  box: SecretBox,
  category: ComponentCategory,
  component: Component,
  previous: Parts | null,
  path: string,
  issues: FieldIssue[],
): Record<string, unknown> {
  const kind = registry.get(category, component.kind);
  if (!kind) return component.config;
  const before = previous
    ? componentsOf(previous).find(([c, each]) => c === category && each.id === component.id)
    : undefined;
  try {
    return sealSecrets(box, kind.configSchema, component.config, before?.[1].config) as Record<
      string,
      unknown
    >;
  } catch (error) {
    if (!(error instanceof MaskedSecretError)) throw error;
    issues.push({ path: `${path}/config`, message: 'a masked secret has no stored value to keep' });
    return component.config;
  }
}

/** The definition as the API shows it: every secret field masked. */
export function maskTaskSecrets<T extends Parts>(definition: T, registry: ComponentRegistry): T {
  const mask = <C extends Component>(category: ComponentCategory, component: C): C => {
    const kind = registry.get(category, component.kind);
    if (!kind) return component;
    return {
      ...component,
      config: maskSecrets(kind.configSchema, component.config) as Record<string, unknown>,
    };
  };
  return {
    ...definition,
    triggers: definition.triggers.map((c) => mask('trigger', c)),
    jobs: definition.jobs.map((c) => mask('job', c)),
    actions: definition.actions.map((c) => mask('action', c)),
    series: definition.series && mask('series', definition.series),
  };
}
