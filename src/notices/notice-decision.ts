import type { RunStatus } from '../domain/run.ts';
import {
  endsForGood,
  noticeEventOf,
  type NoticeEvent,
  type NoticeState,
  type RunNotices,
  type WithheldNotices,
} from '../domain/run-notices.ts';

/** What to do about one run's final end. */
export interface NoticeDecision {
  /** The notice to send now, with what was withheld before it; null to send none. */
  send: { event: NoticeEvent; withheld: WithheldNotices } | null;
  /** The state to remember; null when it stays as it was. */
  next: NoticeState | null;
  /** A notice held back in the quiet period: its event and when the quiet ends. */
  heldBack: { event: NoticeEvent; until: number } | null;
}

const NOTHING: NoticeDecision = { send: null, next: null, heldBack: null };

/**
 * Decides the notice of a run that ended for good: the event it is, if the task's notices want
 * it, unless the quiet period since the last notice still runs (then it is counted for the
 * next one, and a summary goes with that). A recovery is never held back: whoever was told of
 * the failure must learn that it is over.
 */
export function decideNotice(
  state: NoticeState,
  status: RunStatus,
  notices: RunNotices,
  now: number,
): NoticeDecision {
  if (!endsForGood(status)) return NOTHING;
  const failing = status !== 'succeeded';
  const event = noticeEventOf(status, state.failing);
  const moved = { ...state, failing };
  if (event === null || !notices.on.includes(event)) {
    return { send: null, next: failing === state.failing ? null : moved, heldBack: null };
  }
  const quietUntil =
    state.lastSentAt === null ? null : state.lastSentAt + notices.quietMinutes * 60_000;
  if (event !== 'recovery' && quietUntil !== null && now < quietUntil) {
    const withheld = { count: state.withheld.count + 1, since: state.withheld.since ?? now };
    return { send: null, next: { ...moved, withheld }, heldBack: { event, until: quietUntil } };
  }
  return {
    send: { event, withheld: state.withheld },
    next: { ...moved, lastSentAt: now, withheld: { count: 0, since: null } },
    heldBack: null,
  };
}
