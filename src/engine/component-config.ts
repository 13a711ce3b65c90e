import { mapConfigStrings } from '../domain/config-fields.ts';
import { fillPlaceholders, type PlaceholderScope } from '../domain/placeholders.ts';
import type { Component } from '../domain/task.ts';
import type { ComponentKind } from '../plugins/component-kind.ts';
import { clearSecrets } from '../secrets/protect-config.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

/**
 * A component's config as its kind receives it in a run: secrets opened, every other string
 * with its placeholders filled, except fields whose schema says placeholders: false.
 */
export function configForRun(
  kind: ComponentKind,
  component: Component,
  box: SecretBox,
  scope: PlaceholderScope,
): unknown {
  return mapConfigStrings(kind.configSchema, component.config, (text, field) => {
    if (field.secret) return box.open(text);
    return field.placeholders ? fillPlaceholders(text, scope) : text;
  });
}

/** The clear secrets of a component, to keep them out of the run's log. */
export function secretsOf(kind: ComponentKind, component: Component, box: SecretBox): string[] {
  return clearSecrets(box, kind.configSchema, component.config);
}
