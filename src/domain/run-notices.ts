import type { RunStatus } from './run.ts';

/**
 * Failure notices: a message to the task's owner, to listed addresses and/or a webhook when a
 * run ends badly, or when the task recovers. One per run (never per series item), none while a
 * retry follows, and at most one per quiet period: what falls in it is summed up in the next.
 */

/** What a notice is about. */
export const NOTICE_EVENTS = ['failure', 'timeout', 'interruption', 'recovery'] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

/** Where notices go and when; a task without its own takes the server's default. */
export interface RunNotices {
  on: NoticeEvent[];
  /** To the task owner's e-mail address (when they have one). */
  toOwner: boolean;
  /** Further e-mail addresses. */
  to: string[];
  /** An http(s) address a JSON notice is POSTed to; null for none. */
  webhook: string | null;
  /** After a notice, the next one waits this long; what ends meanwhile is summed up in it. */
  quietMinutes: number;
}

/** The server default of a new server: no notices until an administrator sets them. */
export const NO_NOTICES: Readonly<RunNotices> = {
  on: [],
  toOwner: true,
  to: [],
  webhook: null,
  quietMinutes: 60,
};

/** Whether notices name anywhere to go and anything to tell. */
export function noticesWanted(notices: RunNotices): boolean {
  return notices.on.length > 0 && (notices.toOwner || notices.to.length > 0 || !!notices.webhook);
}

/** Notices withheld in a quiet period, told in the next notice. */
export interface WithheldNotices {
  count: number;
  /** When the first of them was withheld; null when none was. */
  since: number | null;
}

/** What the server remembers of a task's notices between its runs. */
export interface NoticeState {
  taskId: string;
  /** Whether its last run that ended for good ended badly (a success then is a recovery). */
  failing: boolean;
  lastSentAt: number | null;
  withheld: WithheldNotices;
}

/** The state of a task nothing was remembered for. */
export function freshNoticeState(taskId: string): NoticeState {
  return { taskId, failing: false, lastSentAt: null, withheld: { count: 0, since: null } };
}

const BAD_ENDS: Partial<Record<RunStatus, NoticeEvent>> = {
  failed: 'failure',
  'partially-failed': 'failure',
  'timed-out': 'timeout',
  interrupted: 'interruption',
};

/**
 * What a run's final end (no retry follows) is to notices: a bad end's event, a recovery when
 * a success follows a bad end, or nothing (a success after a success, a cancel, a skip).
 */
export function noticeEventOf(status: RunStatus, failing: boolean): NoticeEvent | null {
  const bad = BAD_ENDS[status];
  if (bad) return bad;
  return status === 'succeeded' && failing ? 'recovery' : null;
}

/** Whether a run's end changes what the server remembers (a cancel or a skip does not). */
export function endsForGood(status: RunStatus): boolean {
  return status === 'succeeded' || BAD_ENDS[status] !== undefined;
}
