import type { OverlapPolicy } from '../domain/policy-names.ts';
import type { TaskPolicy } from '../domain/task.ts';

/** What an overlap policy does with a run due while another run of its task is running. */
export interface OverlapRule {
  /** Runs one at a time: a run claimed ahead, a parked run or an ended run concern the others. */
  serial: boolean;
  /** With a run running: start this one beside it, keep it waiting, or record it skipped. */
  whenBusy: 'start' | 'wait' | 'skip';
  /** Why a due run is skipped (with "wait": once one is already waiting). */
  skipReason: string;
}

/** One rule per overlap policy (domain/policy-names.ts). */
export const OVERLAP_RULES: Readonly<Record<OverlapPolicy, OverlapRule>> = {
  parallel: { serial: false, whenBusy: 'start', skipReason: '' },
  queue: { serial: true, whenBusy: 'wait', skipReason: 'a run was already waiting to start' },
  skip: { serial: true, whenBusy: 'skip', skipReason: 'the previous run was still running' },
};

/** The overlap rule of a task's policy. */
export function overlapRule(policy: Pick<TaskPolicy, 'overlap'>): OverlapRule {
  return OVERLAP_RULES[policy.overlap];
}
