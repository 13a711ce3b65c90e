import { because, type CodedReason } from '../domain/reason-codes.ts';
import type { HeldRun, LeaseHolders, Store } from '../store/store.ts';
import { giveBack, type GiveBackContext } from './give-back.ts';
import { followEnds, type EndedRun } from './run-ended.ts';
import type { Noticer } from '../notices/noticer.ts';

const SWEEP_BATCH = 200;

/** Which leases a sweep takes back, and what the runs it interrupts are told. */
export interface Recovery {
  /** What the leases are, for the operator's log. */
  name: string;
  holders: LeaseHolders;
  reason(run: HeldRun): CodedReason;
}

/** The leases whose node stopped renewing them before now. */
export function expiredLeases(now: number): Recovery {
  return {
    name: 'their leases expired',
    holders: { expiredBefore: now },
    reason: (run) =>
      because(
        'lease-lost',
        `its lease expired: ${run.node === null ? 'its server' : `the server ${run.node}`} stopped renewing it (it stopped, crashed or lost the database)`,
      ),
  };
}

/**
 * The leases a restarting node's predecessor left: those of its node name (node names are unique
 * among the nodes of one database), or every other one when it is alone on its database (SQLite).
 */
export function predecessorLeases(node: string | null, ownToken: string): Recovery {
  return {
    name: 'a stopped server left them running',
    holders: { exceptToken: ownToken, node },
    reason: () => because('server-restarted', 'the server running it restarted'),
  };
}

/** What one sweep did. */
export interface SweepOutcome {
  /** Reservations given back to their triggers. */
  givenBack: number;
  /** Running runs marked interrupted. */
  interrupted: number;
}

/**
 * Takes back what the recovery's leases hold, never this node's own: reservations not begun go
 * back to their triggers (give-back.ts), running runs become interrupted, and their policy may
 * retry them. Wakes every node when anything changed.
 */
export async function sweepLeases(
  store: Store,
  now: number,
  recovery: Recovery,
  ownToken: string,
  decide: Omit<GiveBackContext, 'now'>,
  noticer: Noticer,
): Promise<SweepOutcome> {
  const givenBack = await sweep(store, recovery, ownToken, 'claimed', (tx, runs) =>
    giveBack(tx, runs, { ...decide, now }),
  );
  const interrupted = await sweep(store, recovery, ownToken, 'running', (tx, runs) =>
    interruptAll(tx, runs, now, recovery, noticer),
  );
  if (givenBack + interrupted > 0) await store.publish({ type: 'wake' });
  return { givenBack, interrupted };
}

/** Handles the held runs of one kind in batches, each in a transaction; returns how many. */
async function sweep(
  store: Store,
  recovery: Recovery,
  ownToken: string,
  kind: 'claimed' | 'running',
  handle: (tx: Store, runs: HeldRun[]) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const fetched = await store.queue[kind](recovery.holders, SWEEP_BATCH);
    const held = fetched.filter((run) => run.leaseToken !== ownToken);
    if (held.length === 0) return total;
    const handled = await store.transaction((tx) => handle(tx, held));
    total += handled;
    if (fetched.length < SWEEP_BATCH || handled === 0) return total;
  }
}

async function interruptAll(
  tx: Store,
  runs: readonly HeldRun[],
  now: number,
  recovery: Recovery,
  noticer: Noticer,
): Promise<number> {
  const tasks = new Map(
    (await tx.tasks.getMany(runs.map((run) => run.taskId))).map((task) => [task.id, task]),
  );
  const ended: EndedRun[] = [];
  for (const run of runs) {
    // A node stops its runs before their lease expires (lease-keeper.ts): they ended by then.
    const endedBy = Math.min(now, run.leaseExpiresAt);
    const why = recovery.reason(run);
    if (!(await tx.queue.interrupt(run.id, run.leaseToken, endedBy, why))) continue;
    const line = `${new Date(now).toISOString()} ERROR interrupted: ${why.reason}; ended by ${new Date(endedBy).toISOString()} at the latest\n`;
    await tx.runs.appendLog(run.id, line);
    // Its end was never written: the mail it composed goes nowhere (a retry composes it again).
    await tx.outbox.dropHeld([run.id]);
    const task = tasks.get(run.taskId);
    if (!task) continue;
    const { policy, notices, name: taskName } = task;
    ended.push({
      ticket: run,
      policy,
      notices,
      taskName,
      status: 'interrupted',
      reason: why.reason,
    });
  }
  if (await followEnds(tx, ended, now, noticer)) await tx.publish({ type: 'wake' });
  return ended.length;
}
