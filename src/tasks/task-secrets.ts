import { isDeepStrictEqual } from 'node:util';
import { mapConfigStrings } from '../domain/config-fields.ts';
import type { FieldIssue } from '../domain/errors.ts';
import {
  componentsOf,
  type Component,
  type ComponentCategory,
  type TaskDefinition,
} from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import {
  destinationChanged,
  MaskedSecretError,
  maskSecrets,
  sealSecrets,
} from '../secrets/protect-config.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

type Parts = Pick<TaskDefinition, 'triggers' | 'jobs' | 'actions' | 'series'>;

/**
 * Whether stored secrets may be kept: by the owner; by another editor, in components they leave
 * as they are; never, in a test run based on someone else's task (it runs as the caller).
 */
export type SecretKeeping = 'owner-edit' | 'other-editor' | 'never';

/** Why the stored secrets of a component may not be kept, or null when they may. */
function keptSecretsProblem(
  schema: unknown,
  config: unknown,
  before: Component | undefined,
  keep: SecretKeeping,
): string | null {
  if (!before) return null;
  if (keep === 'never') {
    return "type the secret again: a test run uses a task's stored secrets only for its owner";
  }
  const untouched = isDeepStrictEqual(
    maskSecrets(schema, config),
    maskSecrets(schema, before.config),
  );
  if (keep === 'other-editor' && !untouched) {
    return "type the secret again: only the task's owner can keep a stored secret in a component they change";
  }
  if (destinationChanged(schema, config, before.config)) {
    return 'type the secret again: the destination changed, and a stored secret goes only where it went before';
  }
  return null;
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
  keep: SecretKeeping,
): Record<string, unknown> {
  const kind = registry.get(category, component.kind);
  if (!kind) return component.config;
  const before = previous
    ? componentsOf(previous).find(([c, each]) => c === category && each.id === component.id)
    : undefined;
  const keepable = keptSecretsProblem(kind.configSchema, component.config, before?.[1], keep);
  try {
    const { configSchema } = kind;
    const sealed = sealSecrets(
      box,
      configSchema,
      component.config,
      before?.[1].config,
      keepable === null,
    );
    return sealed as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof MaskedSecretError)) throw error;
    const message = keepable ?? 'a masked secret has no stored value to keep';
    issues.push({ path: `${path}/config`, message });
    return component.config;
  }
}

/** The definition with every component's config replaced by fn(its kind's schema, config). */
function mapConfigs<T extends Parts>(
  definition: T,
  registry: ComponentRegistry,
  fn: (schema: unknown, config: Record<string, unknown>) => unknown,
): T {
  const map = <C extends Component>(category: ComponentCategory, component: C): C => {
    const kind = registry.get(category, component.kind);
    if (!kind) return component;
    return { ...component, config: fn(kind.configSchema, component.config) as C['config'] };
  };
  return {
    ...definition,
    triggers: definition.triggers.map((c) => map('trigger', c)),
    jobs: definition.jobs.map((c) => map('job', c)),
    actions: definition.actions.map((c) => map('action', c)),
    series: definition.series && map('series', definition.series),
  };
}

/** The definition as the API shows it: every secret field masked. */
export function maskTaskSecrets<T extends Parts>(definition: T, registry: ComponentRegistry): T {
  return mapConfigs(definition, registry, maskSecrets);
}

/** The definition with every secret emptied: a copy for someone else must not carry them. */
export function withoutSecrets<T extends Parts>(definition: T, registry: ComponentRegistry): T {
  return mapConfigs(definition, registry, (schema, config) =>
    mapConfigStrings(schema, config, (text, field) => (field.secret ? '' : text)),
  );
}
