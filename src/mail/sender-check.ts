import type { OutboxEntry } from '../domain/outbox.ts';
import type { Store } from '../store/store.ts';
import type { AttemptResult } from './delivery-attempt.ts';

/** The permission an e-mail action needs, which its owner must still hold when it is sent. */
const SEND_PERMISSION = 'action.email';

/** Why the message may no longer go out, or null when its task and owner still allow it. */
async function refusalOf(store: Store, entry: OutboxEntry): Promise<string | null> {
  if (entry.taskId !== null && !(await store.tasks.get(entry.taskId))) {
    return 'its task was deleted before it was sent';
  }
  if (entry.ownerId === null) return null;
  const owner = await store.users.get(entry.ownerId);
  if (!owner) return "its task's owner was deleted before it was sent";
  if (owner.disabled) return `its task's owner '${owner.login}' is disabled`;
  if (entry.purpose !== 'action') return null;
  const held = await store.users.effectivePermissions(owner.id);
  return held.has(SEND_PERMISSION)
    ? null
    : `its task's owner '${owner.login}' no longer holds ${SEND_PERMISSION}`;
}

/**
 * Checked before each attempt, as a run checks its owner's rights when it runs: a message whose
 * task is gone, or whose owner was deleted, disabled or lost the permission, is not sent.
 */
export async function senderRefusal(
  store: Store,
  entry: OutboxEntry,
): Promise<AttemptResult | null> {
  const why = await refusalOf(store, entry);
  if (why === null) return null;
  return { accepted: [], refused: [], error: { message: `not sent: ${why}`, permanent: true } };
}
