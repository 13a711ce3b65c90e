import type { Lease } from '../domain/run-state.ts';
import type { Store } from '../store/store.ts';
import type { ClaimedRun, ClaimOutcome, Claimer } from './claimer.ts';
import type { Clock } from './clock.ts';

const BUSY_BACKOFF_MS = { first: 20, max: 1000 };
const ERROR_BACKOFF_MS = 1000;
const MAX_SLEEP_MS = 3_600_000;

/** What the scheduler needs from the engine. */
export interface SchedulerHooks {
  lease(): Lease;
  /** How many more runs this node may start now. */
  capacity(): number;
  onClaimed(runs: ClaimedRun[]): void;
  /** Occurrences a claim recorded without running them. */
  onNotRun(notRun: ClaimOutcome['notRun']): void;
  /** This node ran out of room: wake the scheduler when a run ends. */
  onFull(): void;
  onError(error: unknown): void;
}

/**
 * Sleeps until the earliest due trigger or ready queued run, or until woken (a task changed,
 * a run was queued, another node signalled); then claims in batches until nothing is due.
 * Never polls on a fixed period.
 */
export class Scheduler {
  #cancelTimer: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = true;
  #busyBackoff = BUSY_BACKOFF_MS.first;

  constructor(
    private readonly store: Store,
    private readonly claimer: Claimer,
    private readonly clock: Clock,
    private readonly hooks: SchedulerHooks,
    /** Occurrences this far ahead are claimed early and started on time by a local timer. */
    private readonly lookaheadMs: number,
  ) {}

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    await this.#running;
  }

  /** Look now: something may have become due. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#running = this.#round().finally(() => {
      this.#running = null;
    });
  }

  async #round(): Promise<void> {
    let delay: number | null;
    try {
      do {
        this.#again = false;
        delay = await this.#claimAll();
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.hooks.onError(error);
      delay = ERROR_BACKOFF_MS;
    }
    if (!this.#stopped && delay !== null) this.#sleep(delay);
  }

  /**
   * Claims until nothing more is due; returns how long to sleep (null: until woken). The
   * runs claimed are handed over when claiming stops, so that a burst of due work is claimed
   * at full speed before the runs compete with it for the database.
   */
  async #claimAll(): Promise<number | null> {
    const claimed: ClaimedRun[] = [];
    try {
      for (;;) {
        if (this.#stopped) return null;
        const now = this.clock.now();
        const capacity = Math.max(0, this.hooks.capacity() - claimed.length);
        const horizon = now + this.lookaheadMs;
        const outcome = await this.claimer.claim(now, horizon, this.hooks.lease(), capacity);
        claimed.push(...outcome.started);
        this.hooks.onNotRun(outcome.notRun);
        if (outcome.roomLeft === 0) this.hooks.onFull();
        if (outcome.more && (outcome.started.length > 0 || capacity === 0)) continue;
        if (claimed.length > 0) this.hooks.onClaimed(claimed.splice(0));
        return await this.#delayAfter(outcome, now);
      }
    } finally {
      if (claimed.length > 0) this.hooks.onClaimed(claimed);
    }
  }

  /** How long to sleep after a claim that left nothing more to do now. */
  async #delayAfter(outcome: ClaimOutcome, claimedAt: number): Promise<number | null> {
    const wakeAt = await this.#nextWake(outcome);
    if (wakeAt === null) return null;
    const delay = wakeAt - this.clock.now();
    // Not due when claimed (time moved on meanwhile), or something was claimed: no backoff.
    if (wakeAt > claimedAt || outcome.started.length > 0) {
      this.#busyBackoff = BUSY_BACKOFF_MS.first;
      return Math.max(0, delay);
    }
    // Due, yet nothing claimed: another transaction holds those tasks. Look again shortly.
    const backoff = this.#busyBackoff;
    this.#busyBackoff = Math.min(backoff * 2, BUSY_BACKOFF_MS.max);
    return backoff;
  }

  /**
   * When to look next: early enough to claim the earliest trigger ahead (unless the last
   * claim left it until it is due), or when the earliest queued run may start, if there is room.
   */
  async #nextWake(outcome: ClaimOutcome): Promise<number | null> {
    const fire = await this.store.triggers.earliestFire();
    const ready = outcome.roomLeft > 0 ? await this.store.queue.earliestReady() : null;
    const claimAt = fire === null ? null : outcome.deferred ? fire : fire - this.lookaheadMs;
    if (claimAt === null) return ready;
    return ready === null ? claimAt : Math.min(claimAt, ready);
  }

  #sleep(ms: number): void {
    // Timers overflow past 24 days; waking hourly to look again costs nothing.
    this.#cancelTimer = this.clock.setTimer(Math.min(ms, MAX_SLEEP_MS), () => {
      this.#cancelTimer = null;
      this.wake();
    });
  }
}
