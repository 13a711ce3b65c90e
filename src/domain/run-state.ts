import type { RunStatus } from './run.ts';

/**
 * Where a run is in the queue and its life. Its status (run.ts) says how it ended; its state says
 * what may happen to it next:
 * - ready: queued, any node may start it from its notBefore on;
 * - waiting: queued behind a running run of its serial task, released when that one ends;
 * - claimed: queued under a node's lease until its time (claimed ahead to start on time);
 * - running: under a node's lease, renewed while it runs;
 * - ended: with its final status (succeeded, failed, skipped, interrupted, ...).
 */
export const RUN_STATES = ['ready', 'waiting', 'claimed', 'running', 'ended'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** The states of a run that has not ended: its status is "queued" or "running". */
export const LIVE_STATES: readonly RunState[] = ['ready', 'waiting', 'claimed', 'running'];

/** States under a node's lease, which that node renews. */
export const LEASED_STATES: readonly RunState[] = ['claimed', 'running'];

/** One step of a run's life: from which states it may be taken, and where it leads. */
export interface RunTransition {
  from: readonly RunState[];
  /** null: the run's row goes (its occurrence is given back to its trigger). */
  to: RunState | null;
  /** The status it sets, when the transition alone decides it. */
  status?: RunStatus;
}

/**
 * Every transition of a stored run. The store writes each as one conditional update named after
 * it, which changes only runs in a `from` state: a run another node moved on meanwhile is left as
 * it is, and the caller learns which runs moved.
 */
export const RUN_TRANSITIONS = {
  /** A ready run starts now under the claiming node's lease. */
  start: { from: ['ready'], to: 'running', status: 'running' },
  /** A run claimed ahead starts at its time, under the lease it was claimed under. */
  begin: { from: ['claimed'], to: 'running', status: 'running' },
  /** A node gives back what it claimed ahead and did not begin (it stops, or its lease expired). */
  withdraw: { from: ['claimed'], to: null },
  /** A ready run of a serial task waits, as one of its runs is running. */
  park: { from: ['ready'], to: 'waiting' },
  /** The oldest waiting run of a serial task may start: the running one ended. */
  release: { from: ['waiting'], to: 'ready' },
  /** A running run ends, written by the node holding its lease. */
  end: { from: ['running'], to: 'ended' },
  /** A running run whose node stopped renewing its lease ends as interrupted. */
  interrupt: { from: ['running'], to: 'ended', status: 'interrupted' },
  /** A run not started yet is canceled (a running one is asked to stop, and ends). */
  cancel: { from: ['ready', 'waiting', 'claimed'], to: 'ended', status: 'canceled' },
} as const satisfies Record<string, RunTransition>;
export type RunTransitionName = keyof typeof RUN_TRANSITIONS;

/**
 * The state a new run is stored in: queued (ready, waiting or claimed), running, or ended at
 * once: skipped (an occurrence not run), or failed (the record of a trigger's problem).
 */
export type RunEntry =
  | { state: 'ready'; notBefore: number }
  | { state: 'waiting' }
  | { state: 'claimed'; notBefore: number; lease: Lease }
  | { state: 'running'; lease: Lease }
  | { state: 'skipped' }
  | { state: 'failed' };

/** Who runs a run, and until when that claim holds unless renewed. */
export interface Lease {
  node: string;
  token: string;
  expiresAt: number;
}
