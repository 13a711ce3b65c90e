import { NO_NOTICES, NOTICE_EVENTS } from '../../../src/domain/run-notices.ts';
import type { NoticeEvent, RunNotices } from '../types.ts';

/** Notices as a form holds them: an empty quiet-period field leaves the server's default. */
export type NoticesDraft = Omit<RunNotices, 'quietMinutes'> & { quietMinutes?: number };

const NOTICE_EVENT_LABELS: Record<NoticeEvent, string> = {
  failure: 'A run failed',
  timeout: 'A run timed out',
  interruption: 'A run was interrupted',
  recovery: 'The task recovered (succeeded after a failure)',
};

/** The events a notice can be about, in the server's order, in words. */
export const NOTICE_EVENT_OPTIONS: ReadonlyArray<{ value: NoticeEvent; label: string }> =
  NOTICE_EVENTS.map((value) => ({ value, label: NOTICE_EVENT_LABELS[value] }));

/** What a task's notices are: the server's default, none, or its own. */
export type NoticesMode = 'default' | 'none' | 'own';

/** The mode of a task's notices as stored: null is the default, no event is none. */
export function noticesModeOf(notices: NoticesDraft | null): NoticesMode {
  if (notices === null) return 'default';
  return notices.on.length === 0 ? 'none' : 'own';
}

/** A task's notices switched off: no event, nowhere else to go. */
export function noNotices(): NoticesDraft {
  return { ...NO_NOTICES, on: [], to: [] };
}

/** Notices of its own for a task: what it had, or failures to its owner to start with. */
export function ownNotices(current: NoticesDraft | null): NoticesDraft {
  if (current && current.on.length > 0) return current;
  return { ...NO_NOTICES, ...current, on: ['failure'], to: current?.to ?? [] };
}
