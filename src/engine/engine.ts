import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ComponentRegistry } from '../plugins/registry.ts';
import type { RunLogger } from '../plugins/run-context.ts';
import type { Lease } from '../domain/run-state.ts';
import type { Signal, Store } from '../store/store.ts';
import { Claimer } from './claimer.ts';
import type { EngineEvents, NotRunRecord } from './engine-events.ts';
import { inComponentScope, outsideComponents, triggerScope } from './component-scope.ts';
import type { Clock } from './clock.ts';
import { EventTriggers } from './event-triggers.ts';
import { Finisher } from './finisher.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { FireTimesCache } from './fire-times-cache.ts';
import { HolidayCalendars } from './holiday-calendars.ts';
import { expiredLeases, predecessorLeases, sweepLeases, type Recovery } from './lease-sweeper.ts';
import type { LiveRuns } from './live-runs.ts';
import { OnTimeStarter } from './on-time-starter.ts';
import type { RunHosts } from './run-host.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { repeat, type Repeating } from './repeat.ts';
import { Retention } from './retention.ts';
import { Runner } from './runner.ts';
import { MailDelivery } from '../mail/mail-delivery.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { Room } from './room.ts';
import { RunLauncher } from './run-launcher.ts';
import { Scheduler } from './scheduler.ts';
import { errorDetails } from '../domain/coerce-error.ts';
import { Noticer } from '../notices/noticer.ts';
import type { HolidayRegister } from '../calendar/holiday-register.ts';

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

/** What the engine shares with the rest of the server. */
export interface EngineParts {
  /** The runs executing here, for live logs and cancelling. */
  live: LiveRuns;
  /** The server's services as components use them. */
  hosts: RunHosts;
  /** Opens the secrets in components' configs (and of the outbox's own servers). */
  box: SecretBox;
  /** The server-wide settings: the SMTP server the outbox sends through, the default notices. */
  settings: Pick<SettingsService, 'current' | 'recent' | 'forgetRecent'>;
  /** The days of holiday calendars the engine reads, shared with the task service. */
  holidays: HolidayRegister;
}

/**
 * One node's engine, its wiring and its start and stop: the scheduler claims due occurrences and
 * ready runs as far as the node's room allows (room.ts), the launcher starts them (run-launcher.ts)
 * and the runner executes them under this node's lease, the finisher writes their ends, the lease
 * keeper and sweeper make sure no run is lost when a node dies.
 */
export class Engine {
  readonly #token = randomBytes(16).toString('base64url');
  readonly #scheduler: Scheduler;
  readonly #finisher: Finisher;
  readonly #launcher: RunLauncher;
  readonly #room: Room;
  readonly #retention: Retention;
  readonly #leases: LeaseKeeper;
  readonly #triggers: EventTriggers;
  readonly #holidays: HolidayCalendars;
  #unsubscribe: (() => void) | null = null;
  #sweeping: Repeating | null = null;
  readonly #onTime: OnTimeStarter;
  readonly #fireTimes: FireTimesCache;
  /** This node's part in delivering the outbox's mail. */
  readonly #mail: MailDelivery;
  /** Failure notices, decided with the ends of runs. */
  readonly #noticer: Noticer;
  /** What happens to runs on this node (engine-events.ts). */
  readonly events = new EventEmitter<EngineEvents>();
  /** The runs executing here; shared with the services that stream their logs. */
  readonly live: LiveRuns;

  constructor(
    private readonly store: Store,
    registry: ComponentRegistry,
    private readonly clock: Clock,
    private readonly options: EngineOptions,
    private readonly logger: EngineLogger,
    private readonly parts: EngineParts,
  ) {
    this.live = parts.live;
    const now = () => clock.now();
    const onError = (error: unknown) => logger.error(`engine: ${errorDetails(error)}`);
    this.#fireTimes = new FireTimesCache(registry, parts.holidays);
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
        capacity: () => this.#room.free(),
        onClaimed: (runs) => this.#launcher.launchClaimed(runs, onError),
        onNotRun: ({ skipped, missed, problems }) => {
          if (skipped.length > 0) this.events.emit('skipped', skipped);
          if (missed.length > 0) this.events.emit('missed', missed);
          if (problems.length > 0) this.#problemsRecorded(problems);
        },
        onFull: () => this.#room.markFull(),
        onError,
      },
      options.lookaheadMs,
    );
    // What runs and ends need of the settings (the server's address, the default notices) is
    // read again only when they changed or after a few seconds, not for each run.
    const settings = (store?: Store) => parts.settings.recent(store);
    const runner = new Runner({
      store,
      registry,
      now,
      workRoot: options.workRoot,
      jobConcurrency: options.jobConcurrency,
      hosts: parts.hosts,
      box: parts.box,
      settings,
    });
    this.#retention = new Retention(store, clock, onError);
    this.#noticer = new Noticer({ registry, box: parts.box, settings, logger });
    this.#finisher = new Finisher(store, now, this.#noticer, {
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
    this.#room = new Room(
      options.maxRuns,
      () => this.live.size,
      () => this.#onTime.size,
    );
    this.#launcher = new RunLauncher({
      store,
      clock,
      runner,
      finisher: this.#finisher,
      live: this.live,
      room: this.#room,
      onTime: () => this.#onTime,
      events: this.events,
      logger,
      lease: { node: options.nodeName, token: this.#token },
      wake: () => this.#scheduler.wake(),
    });
    this.#onTime = new OnTimeStarter(store, clock, this.#token, this.#decide(), {
      launch: (run, owner) => this.#launcher.launch(run, owner),
      onError,
    });
    const triggerLog: RunLogger = {
      info: (message) => logger.info(message),
      warn: (message) => logger.info(message),
      error: (message) => logger.error(message),
    };
    this.#mail = new MailDelivery({
      store,
      clock,
      node: options.nodeName,
      settings: () => parts.settings.current(),
      box: parts.box,
      logger,
      onSettled: (id, { state }) => this.events.emit('mail', id, state),
    });
    this.#triggers = new EventTriggers(store, registry, clock, triggerLog, {
      host: parts.hosts.forTrigger(),
      box: parts.box,
      onProblem: (record) => this.events.emit('trigger-problem', [record]),
    });
    this.#holidays = new HolidayCalendars(store, registry, clock, {
      holidays: parts.holidays,
      host: parts.hosts.forTrigger(),
      log: triggerLog,
      onProblem: (record) => this.events.emit('trigger-problem', [record]),
    });
  }

  /** Tells the operator of the problems a claim recorded on tasks (their owners see them). */
  #problemsRecorded(problems: readonly NotRunRecord[]): void {
    for (const { taskId, reason } of problems) this.logger.error(`task ${taskId}: ${reason}`);
    this.events.emit('trigger-problem', problems);
  }

  /** Recovers what a previous process left running, then starts claiming and the event triggers. */
  async start(): Promise<void> {
    this.#room.setOpen(true);
    // A signal may come from a component's own call (a task it started); what it sets off is
    // the engine's, and a bug there must not pass for the component's (component-guard.ts).
    this.#unsubscribe = this.store.subscribe((signal) =>
      outsideComponents(() => this.#onSignal(signal)),
    );
    // What this node's predecessor left (under its name; on SQLite, alone, every lease is one).
    const node = this.store.shared ? this.options.nodeName : null;
    await this.#sweep(predecessorLeases(node, this.#token));
    await this.#sweep(expiredLeases(this.clock.now()));
    // Schedules that exclude holiday calendars fire only once their days are known.
    await this.#holidays.start();
    this.#scheduler.start();
    await this.#mail.start();
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
    this.#room.setOpen(false);
    this.#unsubscribe?.();
    await this.#sweeping?.stop();
    await this.#scheduler.stop();
    await this.#holidays.stop();
    await this.#triggers.stopAll();
    await this.#launcher.settled();
    await this.#onTime.stop();
    if (graceMs > 0) await this.#grace(graceMs);
    for (const run of this.live.all()) run.stop('interrupted');
    await this.live.idle();
    await this.#finisher.close();
    await this.#mail.stop(graceMs);
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

  /** Look for due work now (e.g. after the clock of a test moved), mail included. */
  wake(): void {
    this.#scheduler.wake();
    this.#mail.wake();
  }

  #lease(): Lease {
    return { node: this.options.nodeName, token: this.#token, expiresAt: this.#leases.expiry() };
  }

  #onSignal(signal: Signal): void {
    if (signal.type === 'wake') this.#scheduler.wake();
    else if (signal.type === 'cancel') this.live.get(signal.runId)?.stop('canceled');
    else if (signal.type === 'settings') this.parts.settings.forgetRecent();
    else if (signal.type === 'task') {
      this.#scheduler.wake();
      const scope = triggerScope(`an event trigger of task ${signal.taskId}`);
      inComponentScope(scope, () => this.#triggers.refresh(signal.taskId)).catch((error: unknown) =>
        this.logger.error(`triggers: ${errorDetails(error)}`),
      );
      this.#holidays
        .refresh(signal.taskId)
        .catch((error: unknown) => this.logger.error(`holiday calendars: ${errorDetails(error)}`));
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
      this.#noticer,
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
}
