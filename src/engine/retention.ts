import type { TaskPolicy } from '../domain/task.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';

/** How often the tasks that had runs end are pruned. */
export const RETENTION_EVERY_MS = 60_000;

/**
 * Applies each task's retention (keep N runs, N days, failures longer) off the run path:
 * the tasks whose runs ended are noted, and pruned together once a minute. A run that has
 * not ended is never pruned (the store's prune leaves queued and running runs alone).
 */
export class Retention {
  #pending = new Map<string, TaskPolicy>();
  #cancelTimer: (() => void) | null = null;
  #sweeping: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  note(taskId: string, policy: TaskPolicy): void {
    this.#pending.set(taskId, policy);
  }

  start(): void {
    this.#cancelTimer = this.clock.setTimer(RETENTION_EVERY_MS, () => {
      this.#sweeping = this.sweep()
        .catch(this.onError)
        .finally(() => {
          this.#sweeping = null;
          if (this.#cancelTimer) this.start();
        });
    });
  }

  async stop(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.#sweeping;
  }

  /** Prunes the runs of every task noted since the last sweep. */
  async sweep(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    const now = this.clock.now();
    for (const [taskId, policy] of pending) await this.store.runs.prune(taskId, policy, now);
  }
}
