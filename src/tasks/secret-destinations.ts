import { AppError } from '../domain/errors.ts';
import { componentsOf, type TaskDefinition } from '../domain/task.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import { secretSteeringPlaceholders } from '../secrets/protect-config.ts';

type Parts = Pick<TaskDefinition, 'triggers' | 'jobs' | 'actions' | 'series'>;

/**
 * The placeholders that choose where a secret of the task goes: those in a destination field
 * (a URL, a host) of a component that holds a secret, e.g. {where} in a webhook's URL beside its
 * authorization. Whoever fills them (a run's parameters, a series, a job's outputs) could send
 * the owner's secret to their own server.
 */
export function secretSteeringNames(definition: Parts, registry: ComponentRegistry): Set<string> {
  return new Set(
    componentsOf(definition).flatMap(([category, component]) => {
      const kind = registry.get(category, component.kind);
      return kind ? secretSteeringPlaceholders(kind.configSchema, component.config) : [];
    }),
  );
}

/**
 * Refuses someone other than the owner run parameters that choose where a secret of the task
 * goes (see secretSteeringNames).
 */
export function requireNoSecretSteeringParameters(
  definition: Parts,
  registry: ComponentRegistry,
  parameters: Readonly<Record<string, string>>,
): void {
  const steering = secretSteeringNames(definition, registry);
  const named = Object.keys(parameters).find((name) => steering.has(name));
  if (named === undefined) return;
  throw new AppError(
    'FORBIDDEN',
    `The parameter '${named}' chooses where a secret of the task is sent: only the task's owner may give it`,
  );
}

/**
 * Refuses someone other than the owner a change to a task where a secret goes somewhere a
 * placeholder chooses: what they change (a series, a job) could fill it with their own server.
 */
export function requireNoSecretSteering(definition: Parts, registry: ComponentRegistry): void {
  const [first] = secretSteeringNames(definition, registry);
  if (first === undefined) return;
  throw new AppError(
    'FORBIDDEN',
    `Where a secret of this task is sent depends on the placeholder {${first}}: only the task's owner can change the task (or type the secret again and name a fixed destination)`,
  );
}
