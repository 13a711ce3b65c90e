import type { PermissionCatalog } from '../domain/permissions.ts';
import type { Plugin } from './plugin.ts';
import type { ComponentRegistry } from './registry.ts';

/** Makes a plugin's permissions grantable and its component kinds usable. */
export function installPlugin(
  plugin: Plugin,
  registry: ComponentRegistry,
  catalog: PermissionCatalog,
): void {
  for (const permission of plugin.permissions ?? []) catalog.declare(permission);
  for (const kind of plugin.components) registry.register(kind);
}
