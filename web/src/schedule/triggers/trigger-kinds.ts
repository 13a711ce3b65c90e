import { useMemo } from 'react';
import { useComponentKinds } from '../../tasks/task-queries.ts';
import type { ComponentKind } from '../../types.ts';
import { defaultSchedule } from '../schedule-defaults.ts';

/** The trigger kinds this server knows: the one cached list of kinds, filtered. */
export function useTriggerKinds() {
  const kinds = useComponentKinds();
  const triggers = useMemo(
    () => kinds.data?.filter((kind) => kind.category === 'trigger'),
    [kinds.data],
  );
  return { ...kinds, data: triggers };
}

/** The config a new trigger of a kind starts with: a weekly schedule, else its schema's defaults. */
export function defaultConfig(kind: ComponentKind, taskZone: string): Record<string, unknown> {
  if (kind.kind === 'time') return { ...defaultSchedule(taskZone) };
  const config: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(kind.configSchema.properties ?? {})) {
    if (property.default !== undefined) config[name] = property.default;
  }
  return config;
}
