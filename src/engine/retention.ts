import type { TaskPolicy } from '../domain/task.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { repeat, type Repeating } from './repeat.ts';

/** How often the tasks that had runs end are pruned. */
export const RETENTION_EVERY_MS = 60_000;

/**
 * Applies each task's retention (keep N runs, N days, failures longer) off the run path:
 * the tasks whose runs ended are noted, and pruned together once a minute. A run that has
 * not ended is never pruned (the store's prune leaves queued and running runs alone).
 */
export class Retention {
  #pending = new Map<string, TaskPolicy>();
  #repeating: Repeating | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  note(taskId: string, policy: TaskPolicy): void {
    this.#pending.set(taskId, policy);
  }

  start(): void {
    this.#repeating = repeat(this.clock, RETENTION_EVERY_MS, () => this.sweep(), this.onError);
  }

  async stop(): Promise<void> {
    await this.#repeating?.stop();
    this.#repeating = null;
  }

  /** Prunes the runs of every task noted since the last sweep. */
  async sweep(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    const now = this.clock.now();
    for (const [taskId, policy] of pending) await this.store.runs.prune(taskId, policy, now);
  }
}
