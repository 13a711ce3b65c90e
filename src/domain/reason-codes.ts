/**
 * Why a run is as it is, as a code from one catalogue: each code is one cause, with the sentence
 * the API's clients and the web UI show for it. A run's free-text reason is the detail of its
 * code (what exactly, which trigger, the error's message). docs/reason-codes.md describes each
 * code (a test keeps the two the same); the observability work extends this same catalogue.
 */
export const REASON_CODES = {
  // Occurrences recorded without running.
  'overlap-skipped':
    'The overlap policy skipped this occurrence: a run of the task was still running, or one was already waiting.',
  'missed-while-down':
    'The occurrences were due while no server ran the task, longer ago than the misfire policy "skip" allows.',
  'misfire-limit':
    'More occurrences were due at once than the misfire limit lets run; these ones were not run.',
  'occurrence-gone':
    'A server claimed this occurrence ahead and stopped before its time; the task has changed since and no longer has it.',
  // Notes on runs that ran.
  coalesced:
    'Several occurrences were due at once, and the misfire policy "once" ran them as this one run.',
  retry: "This run retries one that failed, timed out or was interrupted, per the task's retries.",
  'series-empty': 'The series had no items, so nothing ran.',
  // Runs that ended badly.
  'component-failed': 'A job or action of the task failed.',
  'items-failed': 'Some items of the series failed, and others succeeded.',
  'series-failed': 'The series could not give its items.',
  'owner-missing': 'The owner of the task no longer exists.',
  'owner-disabled': "The owner's account is disabled.",
  'owner-lacks-permission':
    'The owner does not hold a permission the task, its trigger or one of its components needs.',
  'engine-error':
    'The server failed while executing the run: a fault of the server, not of the task.',
  // Runs that were stopped.
  canceled: 'Someone canceled the run, before it started or while it ran.',
  'timed-out': "The run took longer than the task's timeout, and was stopped.",
  'server-stopped':
    'The server running it stopped it before it ended: the server shut down, or could no longer renew its claim on the run.',
  'server-restarted':
    'The server running it stopped without ending it (it crashed or was killed), and found it so when it started again.',
  'lease-lost':
    'The server running it stopped renewing its claim on the run (it stopped, crashed or lost the database), and another server ended it.',
  'start-failed':
    "The server could not start the run (it could not read the task's owner); the task's retries apply.",
  // Problems of a trigger, recorded as a failed run of its task so that its owner sees them.
  'schedule-invalid':
    "A scheduled trigger's schedule no longer gives its times, so the trigger fires no more until the task is changed.",
  'trigger-not-started':
    'An event trigger failed to start, so the task does not react to its events on that server.',
  'secrets-unreadable':
    "A trigger's stored secrets cannot be decrypted (was the server's secret key changed?), so it was not started.",
  'calendar-unreadable':
    "A trigger's calendar (a calendar trigger's, or a schedule's holiday calendar) cannot be read: the one read last stays in force, or, if none was read, the trigger does not fire until it can be.",
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

/** Every code of the catalogue, in its order. */
export const REASON_CODE_LIST = Object.keys(REASON_CODES) as ReasonCode[];

/** A code of the catalogue and its detail: a reason never comes without its code. */
export interface CodedReason {
  reasonCode: ReasonCode;
  reason: string;
}

/** Why a run is as it is (a code and its detail), or no reason at all. */
export type RunReason = CodedReason | { reasonCode: null; reason: null };

/** A run without a reason. */
export const NO_REASON: RunReason = { reasonCode: null, reason: null };

/** A detail is cut to this many characters: an error's message can be of any length. */
export const MAX_REASON_DETAIL = 2_000;

/** The reason of this code, with its detail (cut to MAX_REASON_DETAIL characters). */
export function because(code: ReasonCode, detail: string): CodedReason {
  const cut = detail.length - MAX_REASON_DETAIL;
  const reason =
    cut > 0 ? `${detail.slice(0, MAX_REASON_DETAIL)}… (${cut} more characters)` : detail;
  return { reasonCode: code, reason };
}

/** The reason of anything that carries one, alone. */
export function reasonOf(carrier: RunReason): RunReason {
  return carrier.reasonCode === null ? NO_REASON : because(carrier.reasonCode, carrier.reason);
}
