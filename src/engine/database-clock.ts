import type { Store } from '../store/store.ts';
import type { SystemClock } from './clock.ts';
import { repeat } from './repeat.ts';

const REALIGN_MS = 10 * 60_000;

/**
 * Sets the clock to the database's, when the store has one (PostgreSQL), so every node
 * agrees on when something is due; re-measured every ten minutes (a failure goes to onError).
 * Returns how to stop.
 */
export async function followDatabaseClock(
  store: Store,
  clock: SystemClock,
  onError: (error: unknown) => void,
): Promise<() => Promise<void>> {
  const align = async () => {
    const sentAt = Date.now();
    const remote = await store.currentTime();
    if (remote !== null) clock.align(remote, sentAt, Date.now());
    return remote !== null;
  };
  if (!(await align())) return async () => {};
  // A failed measurement leaves the last offset; the next one comes as planned.
  const repeating = repeat(clock, REALIGN_MS, async () => void (await align()), onError);
  return () => repeating.stop();
}
