import type { NoticeEvent, WithheldNotices } from '../domain/run-notices.ts';
import type { Run } from '../domain/run.ts';

/** Everything a notice tells, the same for mail and webhooks. */
export interface RunNotice {
  event: NoticeEvent;
  task: { id: string; name: string; owner: string; timezone: string };
  run: {
    id: string;
    status: string;
    reasonCode: string | null;
    reason: string | null;
    cause: string;
    attempt: number;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
    /** The run's page. */
    url: string;
  };
  /** Notices held back in the quiet period before this one. */
  withheld: WithheldNotices;
  /** The last lines of the run's log (secrets are already hidden in it). */
  logTail: string[];
}

/** How many lines of the log a notice quotes. */
const LOG_TAIL_LINES = 20;

/** The address of a run's page: absolute when the server's address is set, else its path. */
export function runUrl(publicUrl: string | null, runId: string): string {
  return `${publicUrl ?? ''}/runs/${encodeURIComponent(runId)}`;
}

/** The last lines of a log, without the empty end. */
function tailOf(log: string): string[] {
  return log.trimEnd().split('\n').slice(-LOG_TAIL_LINES);
}

/** The notice of a run's end. */
export function runNoticeOf(
  event: NoticeEvent,
  run: Run,
  task: RunNotice['task'],
  withheld: WithheldNotices,
  context: { log: string; publicUrl: string | null },
): RunNotice {
  const started = run.startedAt?.getTime() ?? null;
  const finished = run.finishedAt?.getTime() ?? null;
  return {
    event,
    task,
    run: {
      id: run.id,
      status: run.status,
      reasonCode: run.reasonCode,
      reason: run.reason,
      cause: run.cause,
      attempt: run.attempt,
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      durationMs: started !== null && finished !== null ? finished - started : null,
      url: runUrl(context.publicUrl, run.id),
    },
    withheld,
    logTail: tailOf(context.log),
  };
}
