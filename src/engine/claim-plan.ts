import type { Task } from '../domain/task.ts';
import type { FireTimes } from '../plugins/component-kind.ts';
import type { Lease } from '../domain/run-state.ts';
import type { NewRun, RunTicket, StoredTrigger, TaskActivity } from '../store/store.ts';
import { because, NO_REASON, type RunReason } from '../domain/reason-codes.ts';
import { occurrencesText, planFires, type OccurrenceSpan } from './fire-plan.ts';
import { newRun } from './new-run.ts';
import { overlapRule } from './overlap-policy.ts';
import { triggerProblemRun } from './trigger-problems.ts';

/** What a claim knows about one locked task. */
export interface TaskClaimInput {
  task: Task;
  triggers: readonly StoredTrigger[];
  /** Queued runs of the task that may start now, oldest first. */
  ready: readonly RunTicket[];
  /** Running (or claimed) runs, runs waiting for them, and ready runs that may start now. */
  activity: TaskActivity;
  /** Fire times of a scheduled trigger, or null when its kind is not scheduled (any more). */
  fireTimesOf: (trigger: StoredTrigger) => FireTimes | null;
  /** Why a trigger has no fire times (its schedule no longer compiles), when that is known. */
  scheduleProblemOf?: (trigger: StoredTrigger) => string | null;
}

/** What the claim writes for one task. */
export interface TaskClaimPlan {
  newRuns: NewRun[];
  startIds: string[];
  parkIds: string[];
  nextFires: Array<{ taskId: string; triggerId: string; nextFireAt: number | null }>;
  /** The task's schedule has ended: hide it from its owner's overview. */
  ended: boolean;
  /** An occurrence within the horizon was left to be claimed when it is due. */
  deferred: boolean;
  /** The new runs (skipped) that record occurrences the misfire policy did not run. */
  missedIds: string[];
}

/** The claim's shared state: the time, this node's lease, how many more runs it may start. */
export interface ClaimContext {
  now: number;
  /** Occurrences up to here may be claimed ahead, to start on time (see mayClaimAhead). */
  horizon: number;
  lease: Lease;
  capacity: number;
  misfireGraceMs: number;
}

type Candidate = { ready: RunTicket } | { occurrence: NewRun };

/** The run of a span of a trigger's occurrences: ready now unless the claim decides more. */
function occurrenceRun(
  input: TaskClaimInput,
  trigger: StoredTrigger,
  span: OccurrenceSpan,
  why: RunReason,
  context: ClaimContext,
  entry: NewRun['entry'] = { state: 'ready', notBefore: context.now },
): NewRun {
  const { task } = input;
  const facts = { taskId: task.id, ownerId: task.ownerId, triggerId: trigger.triggerId };
  return newRun(
    {
      ...facts,
      cause: 'schedule',
      scheduledFor: span.at,
      occurrences: span.count,
      chain: [task.id],
      why,
    },
    entry,
    context.now,
  );
}

/**
 * Whether the task's next occurrence may be claimed before it is due, to start exactly on
 * time: always for parallel runs; otherwise only when nothing of the task is running, queued
 * or due now, so the overlap policy decides on the same facts as at the due time.
 */
function mayClaimAhead(input: TaskClaimInput, context: ClaimContext): boolean {
  if (!overlapRule(input.task.policy).serial) return true;
  const { running, waiting, ready } = input.activity;
  const dueNow = input.triggers.some(
    (trigger) => trigger.nextFireAt !== null && trigger.nextFireAt <= context.now,
  );
  return running + waiting + ready === 0 && input.ready.length === 0 && !dueNow;
}

/**
 * The failed record of a due trigger that has no fire times: its schedule no longer compiles (or
 * its kind is gone). The trigger fires no more, which the claim writes with this record.
 */
function scheduleProblem(input: TaskClaimInput, trigger: StoredTrigger, now: number): NewRun {
  const problem = input.scheduleProblemOf?.(trigger) ?? 'it has no fire times';
  const detail = `trigger ${trigger.triggerId} (${trigger.kind}) fires no more: ${problem}`;
  return triggerProblemRun(input.task, trigger.triggerId, because('schedule-invalid', detail), now);
}

/** The runs due triggers make (and those claimed ahead), and their next fire times. */
function fire(input: TaskClaimInput, context: ClaimContext, plan: TaskClaimPlan): NewRun[] {
  const occurrences: NewRun[] = [];
  let ahead = mayClaimAhead(input, context);
  for (const trigger of input.triggers) {
    if (trigger.nextFireAt === null || trigger.nextFireAt > context.horizon) continue;
    const next = input.fireTimesOf(trigger);
    const { taskId, triggerId } = trigger;
    const expired =
      input.task.expiresAt !== null && trigger.nextFireAt > input.task.expiresAt.getTime();
    if (!next || expired) {
      plan.nextFires.push({ taskId, triggerId, nextFireAt: null });
      if (!next) plan.newRuns.push(scheduleProblem(input, trigger, context.now));
      continue;
    }
    if (trigger.nextFireAt > context.now) {
      if (!ahead) {
        plan.deferred = true;
        continue;
      }
      plan.nextFires.push({ taskId, triggerId, nextFireAt: next(trigger.nextFireAt) });
      const span = { at: trigger.nextFireAt, count: 1 };
      occurrences.push(occurrenceRun(input, trigger, span, NO_REASON, context));
      ahead = !overlapRule(input.task.policy).serial;
      continue;
    }
    const fires = planFires(
      trigger.nextFireAt,
      next,
      input.task.policy,
      context.now,
      context.misfireGraceMs,
    );
    plan.nextFires.push({ taskId, triggerId, nextFireAt: fires.nextFireAt });
    for (const span of fires.skipped) {
      const why = because(span.reasonCode, span.reason);
      const missed = occurrenceRun(input, trigger, span, why, context, { state: 'skipped' });
      plan.newRuns.push(missed);
      plan.missedIds.push(missed.id);
    }
    for (const span of fires.run) {
      const note = span.note === null ? NO_REASON : because('coalesced', span.note);
      occurrences.push(occurrenceRun(input, trigger, span, note, context));
    }
  }
  return occurrences.sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
}

/**
 * A due occurrence starts now under this node's lease; one claimed ahead is reserved: queued
 * until its time under the lease, so no other node takes it while this one lives.
 */
function startOrReserve(occurrence: NewRun, context: ClaimContext): NewRun {
  const at = occurrence.scheduledFor ?? context.now;
  const { lease } = context;
  const entry: NewRun['entry'] =
    at > context.now ? { state: 'claimed', notBefore: at, lease } : { state: 'running', lease };
  return { ...occurrence, entry };
}

/** Why the overlap policy skips an occurrence; one that stood for several says how many since when. */
function overlapSkipReason(task: Task, occurrence: NewRun): string {
  const why = overlapRule(task.policy).skipReason;
  if (occurrence.occurrences <= 1) return why;
  const since = new Date(occurrence.scheduledFor ?? 0).toISOString();
  return `${why} (it stood for ${occurrencesText(occurrence.occurrences)} due since ${since})`;
}

function scheduleEnded(input: TaskClaimInput, plan: TaskClaimPlan): boolean {
  if (input.triggers.length === 0) return false;
  return input.triggers.every((trigger) => {
    const update = plan.nextFires.find((each) => each.triggerId === trigger.triggerId);
    const next = update ? update.nextFireAt : trigger.nextFireAt;
    return next === null && input.fireTimesOf(trigger) !== null;
  });
}

/**
 * Decides, for one locked task, which due occurrences and queued runs start now, per the
 * overlap policy: "parallel" starts all; "skip" starts one at a time and records the
 * others as skipped; "queue" keeps one waiting. Queued runs (manual, retries) never
 * become skipped: they wait. Beyond this node's capacity, runs stay queued for any node.
 */
export function planTaskClaim(input: TaskClaimInput, context: ClaimContext): TaskClaimPlan {
  const plan: TaskClaimPlan = {
    newRuns: [],
    startIds: [],
    parkIds: [],
    nextFires: [],
    ended: false,
    deferred: false,
    missedIds: [],
  };
  const candidates: Candidate[] = [
    ...input.ready.map((ready) => ({ ready })),
    ...fire(input, context, plan).map((occurrence) => ({ occurrence })),
  ];
  const rule = overlapRule(input.task.policy);
  // A queued run this node could not load (no room) is ahead of any new occurrence.
  let busy = input.activity.running > 0 || (input.ready.length === 0 && input.activity.ready > 0);
  let waiting = input.activity.waiting;
  for (const candidate of candidates) {
    if (rule.whenBusy === 'start' || !busy) {
      busy = true;
      if (context.capacity > 0) {
        context.capacity -= 1;
        if ('ready' in candidate) plan.startIds.push(candidate.ready.id);
        else plan.newRuns.push(startOrReserve(candidate.occurrence, context));
      } else if ('occurrence' in candidate) {
        plan.newRuns.push(candidate.occurrence);
      }
    } else if ('ready' in candidate) {
      plan.parkIds.push(candidate.ready.id);
      waiting += 1;
    } else if (rule.whenBusy === 'wait' && waiting === 0) {
      plan.newRuns.push({ ...candidate.occurrence, entry: { state: 'waiting' } });
      waiting += 1;
    } else {
      const why = because('overlap-skipped', overlapSkipReason(input.task, candidate.occurrence));
      plan.newRuns.push({ ...candidate.occurrence, ...why, entry: { state: 'skipped' } });
    }
  }
  plan.ended = scheduleEnded(input, plan);
  return plan;
}
