import type { Store } from '../store/store.ts';
import type { ClaimedRun } from './claimer.ts';
import type { Clock } from './clock.ts';
import { giveBack, type GiveBackContext } from './give-back.ts';
import type { OwnerState } from './permission-check.ts';

type Reserved = { run: ClaimedRun; owner: OwnerState | undefined };

/**
 * Starts the runs this node claimed ahead at their time: all runs due at one instant share one
 * timer and are begun (queued -> running) in one statement, so that thousands due in the same
 * second start together. A run canceled while reserved is not begun. On stop, what has not
 * begun is given back to its trigger (give-back.ts), for any node to claim.
 */
export class OnTimeStarter {
  readonly #groups = new Map<number, { runs: Reserved[]; cancel: () => void }>();
  readonly #beginning = new Set<Promise<void>>();
  #count = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly leaseToken: string,
    private readonly decide: Omit<GiveBackContext, 'now'>,
    private readonly hooks: {
      launch: (run: ClaimedRun, owner: OwnerState | undefined) => void;
      onError: (error: unknown) => void;
    },
  ) {}

  /** Reserved runs not begun yet: they count against the node's room. */
  get size(): number {
    return this.#count;
  }

  add(run: ClaimedRun, owner: OwnerState | undefined): void {
    const at = run.ticket.scheduledFor ?? 0;
    this.#count += 1;
    const group = this.#groups.get(at);
    if (group) {
      group.runs.push({ run, owner });
      return;
    }
    const delay = at - this.clock.now();
    const begin = () => this.#track(this.#begin(at));
    // A run claimed late (its time passed during the claim) begins at once, clock or not.
    const cancel = delay > 0 ? this.clock.setTimer(delay, begin) : cancelable(setImmediate(begin));
    this.#groups.set(at, { runs: [{ run, owner }], cancel });
  }

  /** Gives back every reservation not begun, and waits for beginnings under way. */
  async stop(): Promise<void> {
    const groups = [...this.#groups.values()];
    this.#groups.clear();
    for (const { cancel } of groups) cancel();
    await Promise.all(this.#beginning);
    const runs = groups.flatMap((group) => group.runs);
    this.#count -= runs.length;
    await this.#giveBack(runs);
  }

  /** Gives the reservations back to their triggers and wakes every node to claim them. */
  async #giveBack(reserved: readonly Reserved[]): Promise<void> {
    if (reserved.length === 0) return;
    const held = reserved.map(({ run }) => ({
      ...run.ticket,
      leaseToken: this.leaseToken,
    }));
    const now = this.clock.now();
    await this.store.transaction((tx) => giveBack(tx, held, { ...this.decide, now }));
    await this.store.publish({ type: 'wake' });
  }

  async #begin(at: number): Promise<void> {
    const due = this.#groups.get(at)?.runs ?? [];
    this.#groups.delete(at);
    let begun = new Set<string>();
    try {
      begun = await this.store.queue.begin(
        due.map(({ run }) => run.ticket.id),
        this.leaseToken,
        this.clock.now(),
      );
    } catch (error) {
      this.hooks.onError(error);
      await this.#giveBack(due).catch(this.hooks.onError);
    } finally {
      this.#count -= due.length;
    }
    for (const { run, owner } of due) if (begun.has(run.ticket.id)) this.hooks.launch(run, owner);
  }

  #track(beginning: Promise<void>): void {
    this.#beginning.add(beginning);
    void beginning.finally(() => this.#beginning.delete(beginning));
  }
}

function cancelable(immediate: NodeJS.Immediate): () => void {
  return () => clearImmediate(immediate);
}
