import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { LiveRuns } from './live-runs.ts';

/**
 * Keeps this node's leases: every third of the lease time it extends the lease of all its
 * running runs in one statement, saves their new log lines, and stops runs whose cancel was
 * requested (also when the notice from another node got lost).
 */
export class LeaseKeeper {
  #cancelTimer: (() => void) | null = null;
  #beating: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly live: LiveRuns,
    private readonly lease: { token: string; durationMs: number },
    private readonly onError: (error: unknown) => void,
  ) {}

  /** When a lease taken now expires. */
  expiry(): number {
    return this.clock.now() + this.lease.durationMs;
  }

  start(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.#beating;
  }

  #schedule(): void {
    this.#cancelTimer = this.clock.setTimer(this.lease.durationMs / 3, () => {
      this.#beating = this.beat()
        .catch(this.onError)
        .finally(() => {
          this.#beating = null;
          if (this.#cancelTimer) this.#schedule();
        });
    });
  }

  /** One heartbeat. */
  async beat(): Promise<void> {
    const cancel = await this.store.runs.renewLeases(this.lease.token, this.expiry());
    for (const id of cancel) this.live.get(id)?.stop('canceled');
    for (const run of this.live.all()) {
      if (run.log.takeDirty())
        await this.store.runs.saveLog(run.id, this.lease.token, run.log.text);
    }
  }
}
