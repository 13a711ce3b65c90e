import { performance } from 'node:perf_hooks';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { LiveRuns } from './live-runs.ts';
import { repeat, type Repeating } from './repeat.ts';

/**
 * Past this share of the lease time without a renewal, this node stops its runs itself: their
 * programs end before the lease expires, so no other node retries a run whose first attempt
 * still runs here.
 */
const FENCE_AT = 2 / 3;

/**
 * Keeps this node's leases: every third of the lease time it extends the lease of all its
 * running runs in one statement, saves their new log lines, and stops runs whose cancel was
 * requested (also when the notice from another node got lost). A run another node took over
 * (its lease had expired) is stopped, and so is every run once renewals have failed for
 * FENCE_AT of the lease time: a node cut off from its database fences itself. That silence is
 * the shorter of what the engine's clock and the machine's monotonic clock measured, so that a
 * clock that jumps (or a test's clock that is moved by hand) alone never stops a run.
 */
export class LeaseKeeper {
  #repeating: Repeating | null = null;
  #beating: Promise<void> | null = null;
  /** When the last renewal that succeeded began, on both clocks. */
  #renewedAt = { real: performance.now(), engine: 0 };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly live: LiveRuns,
    private readonly lease: { token: string; durationMs: number },
    private readonly hooks: {
      /** A run here lost its lease, and was stopped. */
      onLost: (runId: string, why: 'taken-over' | 'fenced') => void;
      onError: (error: unknown) => void;
    },
  ) {}

  /** When a lease taken now expires. */
  expiry(): number {
    return this.clock.now() + this.lease.durationMs;
  }

  start(): void {
    this.#renewedAt = this.#instant();
    // #tick returns at once: the beat stays steady while a renewal hangs.
    const every = this.lease.durationMs / 3;
    this.#repeating = repeat(this.clock, every, () => this.#tick(), this.hooks.onError);
  }

  async stop(): Promise<void> {
    await this.#repeating?.stop();
    this.#repeating = null;
    await this.#beating;
  }

  /** A heartbeat, unless the last one still hangs: then only the fence check. */
  #tick(): void {
    if (this.#beating) {
      this.#fenceIfLate();
      return;
    }
    this.#beating = this.beat()
      .catch((error: unknown) => {
        this.#fenceIfLate();
        this.hooks.onError(error);
      })
      .finally(() => {
        this.#beating = null;
      });
  }

  /** One heartbeat. */
  async beat(): Promise<void> {
    const startedAt = this.#instant();
    // Only runs that were live before the renewal began can be missing from it.
    const live = this.live.all().filter((run) => !run.settled);
    const { renewed, cancel } = await this.store.queue.renewLeases(this.lease.token, this.expiry());
    this.#renewedAt = startedAt;
    for (const id of cancel) this.live.get(id)?.stop('canceled');
    for (const run of live) {
      if (!renewed.has(run.id)) {
        run.log.error(
          'this server lost the run: its lease had expired, and the run was taken over',
        );
        run.stop('interrupted');
        this.hooks.onLost(run.id, 'taken-over');
      }
    }
    for (const run of this.live.all()) {
      if (run.log.takeDirty())
        await this.store.queue.saveLog(run.id, this.lease.token, run.log.text);
    }
  }

  #instant() {
    return { real: performance.now(), engine: this.clock.now() };
  }

  /** Stops every run here once renewals have failed for FENCE_AT of the lease time. */
  #fenceIfLate(): void {
    const now = this.#instant();
    const silentMs = Math.min(now.real - this.#renewedAt.real, now.engine - this.#renewedAt.engine);
    if (silentMs < this.lease.durationMs * FENCE_AT) return;
    for (const run of this.live.all().filter((each) => !each.settled)) {
      run.log.error(
        `stopped: this server could not renew its lease for ${Math.round(silentMs / 1000)} s, and another server will take the run over`,
      );
      run.stop('interrupted');
      this.hooks.onLost(run.id, 'fenced');
    }
  }
}
