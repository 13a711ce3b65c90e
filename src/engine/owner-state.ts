import type { Store } from '../store/store.ts';
import type { OwnerState } from './permission-check.ts';

/** A task owner's account and the permissions they hold now; undefined when they are gone. */
export async function loadOwner(store: Store, id: string): Promise<OwnerState | undefined> {
  const user = await store.users.get(id);
  return user && { user, permissions: await store.users.effectivePermissions(id) };
}
