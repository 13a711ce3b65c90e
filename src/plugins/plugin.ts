import type { PermissionDefinition } from '../domain/permissions.ts';
import type { ComponentKind } from './component-kind.ts';

/** A plugin: a plain object contributing component kinds and the permissions they need. */
export interface Plugin {
  name: string;
  permissions?: readonly PermissionDefinition[];
  components: readonly ComponentKind[];
}
