import type { RunNotices } from '../domain/run-notices.ts';
import type { TaskPolicy } from '../domain/task.ts';
import type { Noticer } from '../notices/noticer.ts';
import type { RunEnd, RunTicket, Store } from '../store/store.ts';
import { overlapRule } from './overlap-policy.ts';
import { followEnds } from './run-ended.ts';

/** A run's end waiting to be written. */
export interface PendingEnd {
  end: RunEnd;
  ticket: RunTicket;
  policy: TaskPolicy;
  /** The task's own failure notices as it ran; null: the server's default. */
  notices: RunNotices | null;
  /** The task's name as it ran. */
  taskName: string;
  /** Whether the run put mail in the outbox: held until its end is written, then released. */
  heldMail: boolean;
}

/** What the finisher tells the engine. */
export interface FinisherHooks {
  /** Runs were queued or released, or a serial task's run ended: look for work. */
  onFollowUps: () => void;
  onWritten: (pending: PendingEnd) => void;
  onError: (error: unknown) => void;
}

type Queued = { pending: PendingEnd; written: (ok: boolean) => void };

const RETRY_WRITE_MS = 1000;

/**
 * Writes the ends of runs in batches: whatever ended while the previous batch was being
 * written goes into the next transaction, so many runs cost few commits. Each end is written
 * only if its lease still holds; what follows from it (retries, after-task runs) is in the same
 * transaction.
 */
export class Finisher {
  #queue: Queued[] = [];
  #flushing: Promise<void> | null = null;
  #closing = false;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly noticer: Noticer,
    private readonly hooks: FinisherHooks,
  ) {}

  /** Resolves true once written, false when the lease was lost (the end is then discarded). */
  submit(pending: PendingEnd): Promise<boolean> {
    return new Promise((written) => {
      this.#queue.push({ pending, written });
      this.#flushing ??= this.#flushLoop();
    });
  }

  /**
   * Writes what is pending and stops retrying: an end that cannot be written now is dropped
   * (its lease expires, and the run is interrupted and retried like any lost run).
   */
  async close(): Promise<void> {
    this.#closing = true;
    while (this.#flushing) await this.#flushing;
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.#write(batch);
        } catch (error) {
          this.hooks.onError(error);
          if (this.#closing) {
            for (const { written } of batch) written(false);
            continue;
          }
          this.#queue = [...batch, ...this.#queue];
          await new Promise((resolve) => setTimeout(resolve, RETRY_WRITE_MS));
        }
      }
    } finally {
      this.#flushing = null;
    }
  }

  async #write(batch: readonly Queued[]): Promise<void> {
    const now = this.now();
    const { written, followed } = await this.store.transaction(async (store) => {
      const ids = await store.queue.end(batch.map(({ pending }) => pending.end));
      const mailed = batch
        .filter(({ pending }) => pending.heldMail && ids.has(pending.end.id))
        .map(({ pending }) => pending.end.id);
      if ((await store.outbox.releaseHeld(mailed, now)) > 0) await store.publish({ type: 'mail' });
      const ended = batch
        .filter(({ pending }) => ids.has(pending.end.id))
        .map(({ pending }) => ({
          ticket: pending.ticket,
          policy: pending.policy,
          notices: pending.notices,
          taskName: pending.taskName,
          status: pending.end.status,
          reason: pending.end.reason,
        }));
      const followUps = await followEnds(store, ended, now, this.noticer);
      if (followUps) await store.publish({ type: 'wake' });
      // A claim that found a task held by this transaction passed over its ready runs.
      const serialEnded = ended.some(({ policy }) => overlapRule(policy).serial);
      return { written: ids, followed: followUps || serialEnded };
    });
    for (const { pending, written: resolve } of batch) {
      const ok = written.has(pending.end.id);
      if (ok) this.hooks.onWritten(pending);
      resolve(ok);
    }
    if (followed) this.hooks.onFollowUps();
  }
}
