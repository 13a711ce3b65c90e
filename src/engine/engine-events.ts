import type { ReasonCode } from '../domain/reason-codes.ts';
import type { RunStatus } from '../domain/run.ts';
import type { OutboxState } from '../domain/outbox.ts';
import type { NewRun } from '../store/store.ts';

/**
 * A run recorded without running: skipped by the overlap policy, missed per the misfire policy,
 * or failed with a trigger's problem.
 */
export interface NotRunRecord {
  runId: string;
  taskId: string;
  reasonCode: ReasonCode | null;
  reason: string | null;
}

/** What the events tell of a run recorded without running. */
export function notRunRecord(run: NewRun): NotRunRecord {
  return { runId: run.id, taskId: run.taskId, reasonCode: run.reasonCode, reason: run.reason };
}

/**
 * What the engine of one node tells those who watch it: the tests await these instead of
 * polling, and the dashboard, metrics and timeline subscribe to the same events.
 */
export interface EngineEvents {
  /** Runs this node claimed: started now, or claimed ahead (reserved) to start at their time. */
  claimed: [runs: ReadonlyArray<{ runId: string; taskId: string; reserved: boolean }>];
  /** A run began executing here. */
  started: [runId: string, taskId: string];
  /** Text was added to the log of a run executing here. */
  log: [runId: string, text: string];
  /** This node settled an attempt to deliver an outbox message; the state it is in now. */
  mail: [messageId: string, state: OutboxState];
  /** This node wrote a run's end. */
  ended: [runId: string, status: RunStatus];
  /**
   * A run executing here lost its lease: another node took it over, or this node could not renew
   * it in time (fenced). Its signal has fired.
   */
  'lease-lost': [runId: string, why: 'taken-over' | 'fenced'];
  /** Due occurrences the overlap policy recorded as skipped. */
  skipped: [records: readonly NotRunRecord[]];
  /** Due occurrences the misfire policy did not run (late, or past the misfire limit). */
  missed: [records: readonly NotRunRecord[]];
  /**
   * Problems of triggers this node recorded as failed runs of their tasks, for their owners to
   * see: a schedule that no longer compiles, an event trigger that did not start.
   */
  'trigger-problem': [records: readonly NotRunRecord[]];
}
