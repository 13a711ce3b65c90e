import type { EventEmitter } from 'node:events';
import type { HeldMail } from './run-host.ts';
import { coerceError, errorDetails } from '../domain/coerce-error.ts';
import { because, reasonOf } from '../domain/reason-codes.ts';
import type { RunStatus } from '../domain/run.ts';
import type { Store } from '../store/store.ts';
import type { ClaimedRun } from './claimer.ts';
import type { Clock } from './clock.ts';
import { outsideComponents } from './component-scope.ts';
import type { EngineEvents } from './engine-events.ts';
import type { Finisher } from './finisher.ts';
import type { LiveRun, LiveRuns, StopReason } from './live-runs.ts';
import type { OnTimeStarter } from './on-time-starter.ts';
import { loadOwner } from './owner-state.ts';
import type { OwnerState } from './permission-check.ts';
import type { Room } from './room.ts';
import { RunLog } from './run-log.ts';
import type { Execution, Runner } from './runner.ts';

/** What launching runs works with: the engine's parts. */
export interface LauncherParts {
  store: Store;
  clock: Clock;
  runner: Runner;
  finisher: Finisher;
  live: LiveRuns;
  room: Room;
  /** Where runs claimed ahead wait for their time (made after the launcher: it launches them). */
  onTime: () => OnTimeStarter;
  events: EventEmitter<EngineEvents>;
  logger: { error(message: string): void };
  /** This node's name and lease token. */
  lease: { node: string; token: string };
  /** Look for work again (room came free). */
  wake: () => void;
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

/**
 * Launches the runs this node claimed: loads their owners, hands runs claimed ahead to the
 * OnTimeStarter and starts the others, executes each under a live entry with its time-out, and
 * submits its end to the finisher; tells the engine's events what happens.
 */
export class RunLauncher {
  /** Claims whose owners are being loaded before their runs start. */
  readonly #launching = new Set<Promise<void>>();

  constructor(private readonly parts: LauncherParts) {}

  /** Launches the runs of one claim, in the background. */
  launchClaimed(runs: readonly ClaimedRun[], onError: (error: unknown) => void): void {
    this.parts.room.claimed(runs.length);
    const claimed = runs.map(({ ticket, task, reserved }) => ({
      runId: ticket.id,
      taskId: task.id,
      reserved,
    }));
    this.parts.events.emit('claimed', claimed);
    const launching = this.#launchAll(runs).catch(onError);
    this.#launching.add(launching);
    void launching.finally(() => this.#launching.delete(launching));
  }

  /** Waits for the claims being launched. */
  async settled(): Promise<void> {
    await Promise.all(this.#launching);
  }

  async #launchAll(runs: readonly ClaimedRun[]): Promise<void> {
    let owners: Map<string, OwnerState> | Error;
    try {
      owners = await loadOwners(this.parts.store, [
        ...new Set(runs.map((run) => run.task.ownerId)),
      ]);
    } catch (error) {
      owners = coerceError(error);
    }
    for (const run of runs) {
      this.parts.room.launched();
      if (owners instanceof Error) {
        // Not started: ends interrupted, so the policy's retries apply.
        const why = because('start-failed', `could not start: ${owners.message}`);
        const log = new RunLog(() => this.parts.clock.now());
        const execution: Execution = { status: 'interrupted', ...why, items: [], results: [] };
        await this.#finish(run.ticket, run.task, log, execution, false);
      } else {
        const owner = owners.get(run.task.ownerId);
        if (run.reserved) this.parts.onTime().add(run, owner);
        else this.launch(run, owner);
      }
    }
  }

  /** Starts executing a run now, with its owner's state as loaded. */
  launch(run: ClaimedRun, owner: OwnerState | undefined): void {
    // Each run's components get scopes of their own; the run's engine code belongs to none.
    outsideComponents(() => this.#execute(run, owner));
  }

  #execute({ ticket, task }: ClaimedRun, owner: OwnerState | undefined): void {
    const log = new RunLog(() => this.parts.clock.now());
    const mail: HeldMail = { held: false };
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
    this.parts.live.add(live);
    log.subscribe((text) => this.parts.events.emit('log', ticket.id, text));
    this.parts.events.emit('started', ticket.id, task.id);
    const timeoutMs =
      task.policy.timeoutSeconds === null ? null : task.policy.timeoutSeconds * 1000;
    const cancelTimeout =
      timeoutMs === null
        ? () => {}
        : this.parts.clock.setTimer(timeoutMs, () => live.stop('timed-out'));
    const attempt = ticket.attempt > 1 ? `, attempt ${ticket.attempt}` : '';
    log.info(`run started (${ticket.cause}${attempt}) on ${this.parts.lease.node}`);
    void this.parts.runner
      .execute(ticket, task, owner, log, controller.signal, mail)
      .catch((error: unknown): Execution => ({
        status: 'failed',
        ...because('engine-error', coerceError(error).message),
        items: [],
        results: [],
      }))
      .then(async (execution) => {
        live.settled = true;
        cancelTimeout();
        await this.#finish(ticket, task, log, execution, mail.held);
      })
      .catch((error: unknown) =>
        this.parts.logger.error(`run ${ticket.id}: ${errorDetails(error)}`),
      )
      .finally(() => {
        this.parts.live.remove(ticket.id);
        markEnded();
        // Out of room, claim again once half of it is free: one claim for many runs.
        if (this.parts.room.claimAgain()) this.parts.wake();
      });
  }

  async #finish(
    ticket: ClaimedRun['ticket'],
    { policy, notices, name }: Pick<ClaimedRun['task'], 'policy' | 'notices' | 'name'>,
    log: RunLog,
    execution: Execution,
    heldMail: boolean,
  ) {
    const status: RunStatus = execution.status;
    log[status === 'succeeded' ? 'info' : 'warn'](
      `run ended ${status}${execution.reason ? `: ${execution.reason}` : ''}`,
    );
    const written = await this.parts.finisher.submit({
      end: {
        id: ticket.id,
        leaseToken: this.parts.lease.token,
        status,
        ...reasonOf(execution),
        finishedAt: this.parts.clock.now(),
        items: execution.items,
        results: execution.results,
        log: log.text,
      },
      ticket,
      policy,
      notices,
      taskName: name,
      heldMail,
    });
    if (written) this.parts.events.emit('ended', ticket.id, status);
    else
      this.parts.logger.error(
        `run ${ticket.id} lost its lease before it ended; its result was not written`,
      );
  }
}
