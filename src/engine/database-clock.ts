import type { Store } from '../store/store.ts';
import type { SystemClock } from './clock.ts';

const REALIGN_MS = 10 * 60_000;

/**
 * Sets the clock to the database's, when the store has one (PostgreSQL), so every node
 * agrees on when something is due; re-measured every ten minutes. Returns how to stop.
 */
export async function followDatabaseClock(store: Store, clock: SystemClock): Promise<() => void> {
  const align = async () => {
    const sentAt = Date.now();
    const remote = await store.currentTime();
    if (remote !== null) clock.align(remote, sentAt, Date.now());
    return remote !== null;
  };
  if (!(await align())) return () => {};
  const timer = setInterval(() => void align().catch(() => {}), REALIGN_MS);
  timer.unref();
  return () => clearInterval(timer);
}
