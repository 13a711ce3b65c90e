import { randomBytes } from 'node:crypto';
import { errorDetails } from '../domain/coerce-error.ts';
import type { ClaimedMessage, OutboxSettlement } from '../domain/outbox.ts';
import type { ServerSettings } from '../domain/settings.ts';
import type { Clock } from '../engine/clock.ts';
import { repeat, type Repeating } from '../engine/repeat.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Store } from '../store/store.ts';
import { ATTEMPT_DEADLINE_MS, attemptDelivery } from './delivery-attempt.ts';
import { settlementAfter } from './delivery-outcome.ts';
import { deliveryNote } from './delivery-note.ts';
import { senderRefusal } from './sender-check.ts';

/** How long a claim holds: longer than any attempt, so only a dead node's claim expires. */
export const CLAIM_MS = ATTEMPT_DEADLINE_MS * 2;
/** Attempts one node makes at once. */
const CONCURRENT_ATTEMPTS = 4;
/** Looked at this often even without a signal (a notice between nodes can be lost). */
const POLL_MS = 30_000;
/** Done messages are kept this long for the outbox page, then deleted. */
export const KEEP_DONE_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
/**
 * At least this long, stop() lets attempts in progress finish before it stops them: a stopped
 * attempt whose server already had the message sends it again.
 */
const STOP_GRACE_MS = 30_000;
/** A settled attempt that cannot be written is tried again after these waits. */
const SETTLE_RETRY_MS = [1_000, 3_000, 10_000];

/** What the delivery uses. */
export interface MailDeliveryParts {
  store: Store;
  clock: Clock;
  node: string;
  settings(): Promise<ServerSettings>;
  box: SecretBox;
  logger: { info(message: string): void; error(message: string): void };
  /** Told of each settled attempt: the message and the state it is in now. */
  onSettled(id: string, settlement: OutboxSettlement): void;
}

/**
 * The delivery loop of one node (the "SMTP message delivery" system activity): claims due
 * messages from the outbox, a few at a time, sends each to its pending recipients and settles
 * it. A message queued or made due anywhere signals every node; one of them claims it.
 */
export class MailDelivery {
  readonly #token = randomBytes(16).toString('base64url');
  readonly #inFlight = new Map<string, { stop: AbortController; done: Promise<void> }>();
  #running = false;
  #passing: Promise<void> | null = null;
  #again = false;
  #cancelTimer: () => void = () => {};
  #unsubscribe: () => void = () => {};
  #pruning: Repeating | null = null;

  constructor(private readonly parts: MailDeliveryParts) {}

  /** Gives back what a previous process of this node left claimed, then starts delivering. */
  async start(): Promise<void> {
    const { store, clock, node } = this.parts;
    await store.outbox.releaseClaimsOf(store.shared ? node : null, clock.now());
    this.#running = true;
    this.#unsubscribe = store.subscribe((signal) => {
      if (signal.type === 'mail') this.wake();
    });
    this.#pruning = repeat(
      clock,
      PRUNE_EVERY_MS,
      () => this.#prune(),
      (error) => this.#fail(error),
    );
    this.wake();
  }

  /**
   * Stops claiming; attempts in progress may finish for graceMs (at least STOP_GRACE_MS), then
   * are stopped.
   */
  async stop(graceMs = 0): Promise<void> {
    this.#running = false;
    this.#unsubscribe();
    this.#cancelTimer();
    await this.#pruning?.stop();
    await this.#passing;
    const done = Promise.all([...this.#inFlight.values()].map((each) => each.done));
    const waitMs = Math.max(graceMs, STOP_GRACE_MS);
    const grace = new Promise((resolve) => setTimeout(resolve, waitMs).unref());
    await Promise.race([done, grace]);
    for (const each of this.#inFlight.values()) each.stop.abort('stopped');
    await done;
  }

  /** Looks for due messages now. */
  wake(): void {
    if (!this.#running) return;
    if (this.#passing) {
      this.#again = true;
      return;
    }
    this.#passing = this.#pass()
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#passing = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Claims what there is room for, starts sending it, and sets the timer for what comes next. */
  async #pass(): Promise<void> {
    const { store, clock, node } = this.parts;
    const room = CONCURRENT_ATTEMPTS - this.#inFlight.size;
    if (room > 0) {
      const now = clock.now();
      const claimed = await store.outbox.claim({
        node,
        token: this.#token,
        now,
        expiresAt: now + CLAIM_MS,
        limit: room,
      });
      for (const message of claimed) this.#send(message);
      // A full batch: more may be due.
      if (claimed.length === room) this.#again = true;
    }
    await this.#planNext();
  }

  async #planNext(): Promise<void> {
    const next = await this.parts.store.outbox.nextDueAt();
    const { clock } = this.parts;
    const wait = next === null ? POLL_MS : Math.min(Math.max(next - clock.now(), 0), POLL_MS);
    this.#cancelTimer();
    this.#cancelTimer = clock.setTimer(wait, () => this.wake());
  }

  #send(message: ClaimedMessage): void {
    const stop = new AbortController();
    const done = this.#attempt(message, stop.signal)
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#inFlight.delete(message.entry.id);
        this.wake();
      });
    this.#inFlight.set(message.entry.id, { stop, done });
  }

  async #attempt({ entry, server, content, claimToken }: ClaimedMessage, signal: AbortSignal) {
    const { store, clock, box } = this.parts;
    const settings = () => this.parts.settings();
    const tried = entry.recipients
      .filter((recipient) => recipient.state === 'pending')
      .map((recipient) => recipient.address);
    const result =
      (await senderRefusal(store, entry)) ??
      (await attemptDelivery(
        { server, sender: entry.sender, recipients: tried, content },
        { settings, box, signal },
      ));
    const settlement = settlementAfter(entry, tried, result, clock.now());
    if (!(await this.#settle(entry.id, claimToken, settlement))) {
      this.parts.logger.error(`mail ${entry.messageId}: its claim was lost before it was settled`);
      return;
    }
    const note = deliveryNote(entry, settlement, clock.now());
    this.parts.logger.info(`mail ${entry.messageId}: ${note}`);
    if (entry.runId !== null) await store.runs.appendLog(entry.runId, `${note}\n`);
    this.parts.onSettled(entry.id, settlement);
  }

  /**
   * Writes the attempt's outcome, trying again for a moment when the store fails: until it is
   * written the claim stands, and once it expires the message would be sent again.
   */
  async #settle(id: string, claimToken: string, settlement: OutboxSettlement): Promise<boolean> {
    for (const waitMs of [...SETTLE_RETRY_MS, null]) {
      try {
        return await this.parts.store.outbox.settle(id, claimToken, settlement);
      } catch (error) {
        if (waitMs === null) throw error;
        this.#fail(error);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    return false;
  }

  async #prune(): Promise<void> {
    const { store, clock } = this.parts;
    await store.outbox.pruneFinishedBefore(clock.now() - KEEP_DONE_MS);
  }

  #fail(error: unknown): void {
    this.parts.logger.error(`mail delivery: ${errorDetails(error)}`);
  }
}
