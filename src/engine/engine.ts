import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { RunStatus } from '../domain/run.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { RunLogger } from '../plugins/run-context.ts';
import type { Lease } from '../domain/run-state.ts';
import type { Signal, Store } from '../store/store.ts';
import { Claimer, type ClaimedRun } from './claimer.ts';
import type { EngineEvents } from './engine-events.ts';
import { inComponentScope, outsideComponents, triggerScope } from './component-scope.ts';
import type { Clock } from './clock.ts';
import { EventTriggers } from './event-triggers.ts';
import { Finisher } from './finisher.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { FireTimesCache } from './fire-times-cache.ts';
import { expiredLeases, predecessorLeases, sweepLeases, type Recovery } from './lease-sweeper.ts';
import type { LiveRuns } from './live-runs.ts';
import { type LiveRun, type StopReason } from './live-runs.ts';
import { OnTimeStarter } from './on-time-starter.ts';
import { loadOwner } from './owner-state.ts';
import type { OwnerState } from './permission-check.ts';
import type { RunHosts } from './run-host.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { repeat, type Repeating } from './repeat.ts';
import { Retention } from './retention.ts';
import { RunLog } from './run-log.ts';
import { Runner, type Execution } from './runner.ts';
import { Scheduler } from './scheduler.ts';
import { coerceError, errorDetails } from '../domain/coerce-error.ts';

/** How the engine of one node behaves. */
export interface EngineOptions {
  /** This node's name in the run history. */
  nodeName: string;
  /** Where runs get their working folders. */
  workRoot: string;
  /** How long a run's claim holds without a heartbeat. */
  leaseMs: number;
  /** Runs this node executes at once; more wait queued for any node. */
  maxRuns: number;
  /** How late an occurrence may be before the misfire policy "skip" drops it. */
  misfireGraceMs: number;
  jobConcurrency: number;
  claimBatchSize: number;
  /** How far ahead occurrences are claimed, to start exactly on time. */
  lookaheadMs: number;
}

/** The defaults of EngineOptions, except the node name and work folder. */
export const ENGINE_DEFAULTS = {
  leaseMs: 30_000,
  maxRuns: 10_000,
  misfireGraceMs: 60_000,
  jobConcurrency: 4,
  claimBatchSize: 2000,
  lookaheadMs: 2000,
} as const;

/** What the engine tells the operator. */
export interface EngineLogger {
  info(message: string): void;
  error(message: string): void;
}

async function loadOwners(store: Store, ids: readonly string[]): Promise<Map<string, OwnerState>> {
  const owners = await Promise.all(
    ids.map(async (id) => {
      const owner = await loadOwner(store, id);
      return owner ? ([id, owner] as const) : null;
    }),
  );
  return new Map(owners.filter((owner) => owner !== null));
}

/** What the engine shares with the rest of the server. */
export interface EngineParts {
  /** The runs executing here, for live logs and cancelling. */
  live: LiveRuns;
  /** The server's services as components use them. */
  hosts: RunHosts;
  /** Opens the secrets in components' configs. */
  box: SecretBox;
}

/**
 * One node's engine: the scheduler claims due occurrences and queued runs, the runner
 * executes them under this node's lease, the finisher writes their ends, the lease keeper
 * and sweeper make sure no run is lost when a node dies.
 */
export class Engine {
  readonly #token = randomBytes(16).toString('base64url');
  readonly #scheduler: Scheduler;
  readonly #runner: Runner;
  readonly #finisher: Finisher;
  readonly #retention: Retention;
  readonly #leases: LeaseKeeper;
  readonly #triggers: EventTriggers;
  #unsubscribe: (() => void) | null = null;
  #sweeping: Repeating | null = null;
  #starved = false;
  /** Runs claimed but not yet launched: they count against this node's room. */
  #reserved = 0;
  /** Claimed runs whose owners are being loaded before they start. */
  readonly #launching = new Set<Promise<void>>();
  readonly #onTime: OnTimeStarter;
  readonly #fireTimes: FireTimesCache;
  /** What happens to runs on this node (engine-events.ts). */
  readonly events = new EventEmitter<EngineEvents>();
  #accepting = false;
  /** The runs executing here; shared with the services that stream their logs. */
  readonly live: LiveRuns;

  constructor(
    private readonly store: Store,
    registry: ComponentRegistry,
    private readonly clock: Clock,
    private readonly options: EngineOptions,
    private readonly logger: EngineLogger,
    parts: EngineParts,
  ) {
    this.live = parts.live;
    const now = () => clock.now();
    const onError = (error: unknown) => logger.error(`engine: ${errorDetails(error)}`);
    this.#fireTimes = new FireTimesCache(registry);
    const claimer = new Claimer(store, this.#fireTimes, {
      batchSize: options.claimBatchSize,
      misfireGraceMs: options.misfireGraceMs,
    });
    this.#scheduler = new Scheduler(
      store,
      claimer,
      clock,
      {
        lease: () => this.#lease(),
        capacity: () => this.#capacity(),
        onClaimed: (runs) => {
          this.#reserved += runs.length;
          const claimed = runs.map(({ ticket, task, reserved }) => ({
            runId: ticket.id,
            taskId: task.id,
            reserved,
          }));
          this.events.emit('claimed', claimed);
          const launching = this.#launchAll(runs).catch(onError);
          this.#launching.add(launching);
          void launching.finally(() => this.#launching.delete(launching));
        },
        onNotRun: ({ skipped, missed }) => {
          if (skipped.length > 0) this.events.emit('skipped', skipped);
          if (missed.length > 0) this.events.emit('missed', missed);
        },
        onFull: () => {
          this.#starved = true;
        },
        onError,
      },
      options.lookaheadMs,
    );
    this.#runner = new Runner({
      store,
      registry,
      now,
      workRoot: options.workRoot,
      jobConcurrency: options.jobConcurrency,
      hosts: parts.hosts,
      box: parts.box,
    });
    this.#retention = new Retention(store, clock, onError);
    this.#finisher = new Finisher(store, now, {
      onFollowUps: () => this.#scheduler.wake(),
      onWritten: ({ ticket, policy }) => this.#retention.note(ticket.taskId, policy),
      onError,
    });
    this.#leases = new LeaseKeeper(
      store,
      clock,
      this.live,
      { token: this.#token, durationMs: options.leaseMs },
      { onLost: (runId, why) => this.events.emit('lease-lost', runId, why), onError },
    );
    this.#onTime = new OnTimeStarter(store, clock, this.#token, this.#decide(), {
      launch: (run, owner) => this.#launch(run, owner),
      onError,
    });
    const triggerLog: RunLogger = {
      info: (message) => logger.info(message),
      warn: (message) => logger.info(message),
      error: (message) => logger.error(message),
    };
    this.#triggers = new EventTriggers(store, registry, now, triggerLog, {
      host: parts.hosts.forTrigger(),
      box: parts.box,
    });
  }

  /** Recovers what a previous process left running, then starts claiming and the event triggers. */
  async start(): Promise<void> {
    this.#accepting = true;
    // A signal may come from a component's own call (a task it started); what it sets off is
    // the engine's, and a bug there must not pass for the component's (component-guard.ts).
    this.#unsubscribe = this.store.subscribe((signal) =>
      outsideComponents(() => this.#onSignal(signal)),
    );
    // What this node's predecessor left (under its name; on SQLite, alone, every lease is one).
    const node = this.store.shared ? this.options.nodeName : null;
    await this.#sweep(predecessorLeases(node, this.#token));
    await this.#sweep(expiredLeases(this.clock.now()));
    this.#scheduler.start();
    this.#leases.start();
    this.#retention.start();
    this.#sweeping = repeat(
      this.clock,
      this.options.leaseMs / 2,
      () => this.#sweep(expiredLeases(this.clock.now())),
      (error) => this.logger.error(`lease sweep: ${errorDetails(error)}`),
    );
    // The triggers' callbacks inherit this scope (EventTriggers starts them all in one go).
    await inComponentScope(triggerScope('an event trigger started with the server'), () =>
      this.#triggers.startAll(),
    );
  }

  /**
   * Stops claiming, lets running runs finish within graceMs, then interrupts the rest
   * (they are retried per their policy) and writes every end.
   */
  async stop(graceMs: number): Promise<void> {
    this.#accepting = false;
    this.#unsubscribe?.();
    await this.#sweeping?.stop();
    await this.#scheduler.stop();
    await this.#triggers.stopAll();
    await Promise.all(this.#launching);
    await this.#onTime.stop();
    if (graceMs > 0) await this.#grace(graceMs);
    for (const run of this.live.all()) run.stop('interrupted');
    await this.live.idle();
    await this.#finisher.close();
    await this.#leases.stop();
    await this.#retention.stop();
  }

  /** Waits until no run is executing, or graceMs has passed. */
  async #grace(graceMs: number): Promise<void> {
    let cancel: () => void = () => {};
    await Promise.race([
      this.live.idle(),
      new Promise<void>((resolve) => (cancel = this.clock.setTimer(graceMs, resolve))),
    ]);
    cancel();
  }

  /** Look for due work now (e.g. after the clock of a test moved). */
  wake(): void {
    this.#scheduler.wake();
  }

  #lease(): Lease {
    return { node: this.options.nodeName, token: this.#token, expiresAt: this.#leases.expiry() };
  }

  #capacity(): number {
    const busy = this.live.size + this.#reserved + this.#onTime.size;
    const capacity = this.#accepting ? Math.max(0, this.options.maxRuns - busy) : 0;
    if (capacity === 0) this.#starved = true;
    return capacity;
  }

  #onSignal(signal: Signal): void {
    if (signal.type === 'wake') this.#scheduler.wake();
    else if (signal.type === 'cancel') this.live.get(signal.runId)?.stop('canceled');
    else {
      this.#scheduler.wake();
      const scope = triggerScope(`an event trigger of task ${signal.taskId}`);
      inComponentScope(scope, () => this.#triggers.refresh(signal.taskId)).catch((error: unknown) =>
        this.logger.error(`triggers: ${errorDetails(error)}`),
      );
    }
  }

  /** Takes back what the recovery's leases hold, and tells the operator what it did. */
  async #sweep(recovery: Recovery): Promise<void> {
    const { givenBack, interrupted } = await sweepLeases(
      this.store,
      this.clock.now(),
      recovery,
      this.#token,
      this.#decide(),
    );
    if (interrupted > 0)
      this.logger.info(`Marked ${interrupted} runs interrupted (${recovery.name})`);
    if (givenBack > 0)
      this.logger.info(`Gave ${givenBack} occurrences claimed ahead back to their triggers`);
  }

  /** What deciding again about given-back reservations needs. */
  #decide() {
    return { fireTimes: this.#fireTimes, misfireGraceMs: this.options.misfireGraceMs };
  }

  async #launchAll(runs: readonly ClaimedRun[]): Promise<void> {
    let owners: Map<string, OwnerState> | Error;
    try {
      owners = await loadOwners(this.store, [...new Set(runs.map((run) => run.task.ownerId))]);
    } catch (error) {
      owners = coerceError(error);
    }
    for (const run of runs) {
      this.#reserved -= 1;
      if (owners instanceof Error) {
        // Not started: ends interrupted, so the policy's retries apply.
        const reason = `could not start: ${owners.message}`;
        const log = new RunLog(() => this.clock.now());
        const execution: Execution = { status: 'interrupted', reason, items: [], results: [] };
        await this.#finish(run.ticket, run.task.policy, log, execution);
      } else {
        const owner = owners.get(run.task.ownerId);
        if (run.reserved) this.#onTime.add(run, owner);
        else this.#launch(run, owner);
      }
    }
  }

  #launch(run: ClaimedRun, owner: OwnerState | undefined): void {
    // Each run's components get scopes of their own; the run's engine code belongs to none.
    outsideComponents(() => this.#execute(run, owner));
  }

  #execute({ ticket, task }: ClaimedRun, owner: OwnerState | undefined): void {
    const log = new RunLog(() => this.clock.now());
    const controller = new AbortController();
    let markEnded: () => void = () => {};
    const live: LiveRun = {
      id: ticket.id,
      taskId: task.id,
      log,
      stop: (reason: StopReason) => {
        if (!controller.signal.aborted) controller.abort(reason);
      },
      settled: false,
      ended: new Promise<void>((resolve) => (markEnded = resolve)),
    };
    this.live.add(live);
    log.subscribe((text) => this.events.emit('log', ticket.id, text));
    this.events.emit('started', ticket.id, task.id);
    const timeoutMs =
      task.policy.timeoutSeconds === null ? null : task.policy.timeoutSeconds * 1000;
    const cancelTimeout =
      timeoutMs === null ? () => {} : this.clock.setTimer(timeoutMs, () => live.stop('timed-out'));
    const attempt = ticket.attempt > 1 ? `, attempt ${ticket.attempt}` : '';
    log.info(`run started (${ticket.cause}${attempt}) on ${this.options.nodeName}`);
    void this.#runner
      .execute(ticket, task, owner, log, controller.signal)
      .catch((error: unknown): Execution => ({
        status: 'failed',
        reason: coerceError(error).message,
        items: [],
        results: [],
      }))
      .then(async (execution) => {
        live.settled = true;
        cancelTimeout();
        const reason =
          execution.status === 'timed-out'
            ? `exceeded its timeout of ${task.policy.timeoutSeconds} s`
            : execution.reason;
        await this.#finish(ticket, task.policy, log, { ...execution, reason });
      })
      .catch((error: unknown) => this.logger.error(`run ${ticket.id}: ${errorDetails(error)}`))
      .finally(() => {
        this.live.remove(ticket.id);
        markEnded();
        // Out of room, claim again once half of it is free: one claim for many runs.
        if (this.#starved && this.live.size + this.#reserved <= this.options.maxRuns / 2) {
          this.#starved = false;
          this.#scheduler.wake();
        }
      });
  }

  async #finish(
    ticket: ClaimedRun['ticket'],
    policy: ClaimedRun['task']['policy'],
    log: RunLog,
    execution: Execution,
  ) {
    const status: RunStatus = execution.status;
    log[status === 'succeeded' ? 'info' : 'warn'](
      `run ended ${status}${execution.reason ? `: ${execution.reason}` : ''}`,
    );
    const written = await this.#finisher.submit({
      end: {
        id: ticket.id,
        leaseToken: this.#token,
        status,
        reason: execution.reason,
        finishedAt: this.clock.now(),
        items: execution.items,
        results: execution.results,
        log: log.text,
      },
      ticket,
      policy,
    });
    if (written) this.events.emit('ended', ticket.id, status);
    else
      this.logger.error(
        `run ${ticket.id} lost its lease before it ended; its result was not written`,
      );
  }
}
