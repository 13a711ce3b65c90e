import { durationText } from '../domain/duration-text.ts';
import { formatInstant } from '../domain/placeholders.ts';
import type { NoticeEvent } from '../domain/run-notices.ts';
import { composeMail } from '../mail/compose-mail.ts';
import type { Mailbox } from '../plugins/builtin/delivery/addresses.ts';
import type { OutgoingMail } from '../plugins/run-host.ts';
import type { RunNotice } from './run-notice.ts';

const HEADLINES: Readonly<Record<NoticeEvent, string>> = {
  failure: 'Failed',
  timeout: 'Timed out',
  interruption: 'Interrupted',
  recovery: 'Recovered',
};

const SENTENCES: Readonly<Record<NoticeEvent, string>> = {
  failure: 'failed',
  timeout: 'ran past its time-out and was stopped',
  interruption: 'was interrupted: the server running it stopped',
  recovery: 'ran successfully again after it had failed',
};

/** The subject: what happened to which task. */
export function noticeSubject(notice: RunNotice): string {
  return `[Task Planner] ${HEADLINES[notice.event]}: ${notice.task.name}`;
}

function at(iso: string, timezone: string): string {
  return `${formatInstant(new Date(iso), timezone, 'yyyy-MM-dd HH:mm:ss')} (${timezone})`;
}

/** The line on notices held back in the quiet period, or none. */
function withheldLine(notice: RunNotice): string[] {
  const { count, since } = notice.withheld;
  if (count === 0 || since === null) return [];
  const runs = count === 1 ? '1 more notice was' : `${count} more notices were`;
  return [
    `Since ${at(new Date(since).toISOString(), notice.task.timezone)}, ${runs} held back (one notice per quiet period); see the task's runs.`,
    '',
  ];
}

/** The plain-text body: what happened, why, where to look, and the end of the log. */
export function noticeText(notice: RunNotice): string {
  const { task, run } = notice;
  const zone = task.timezone;
  const why = run.reason ? `${run.reasonCode ? `${run.reasonCode}: ` : ''}${run.reason}` : '';
  const took = run.durationMs === null ? '' : `, took ${durationText(run.durationMs)}`;
  const lines = [
    `The task "${task.name}" (owner ${task.owner}) ${SENTENCES[notice.event]}.`,
    '',
    ...(notice.event === 'recovery' || !why ? [] : [`Why: ${why}`]),
    `Run: ${run.url}`,
    ...(run.startedAt ? [`Started: ${at(run.startedAt, zone)}${took}`] : []),
    `Started by: ${run.cause}${run.attempt > 1 ? `, attempt ${run.attempt}` : ''}`,
    '',
    ...withheldLine(notice),
  ];
  if (notice.event !== 'recovery' && notice.logTail.length > 0) {
    lines.push('The end of its log:', ...notice.logTail.map((line) => `  ${line}`), '');
  }
  return lines.join('\n');
}

/** The notice as a message for the outbox, from the server's sender to the recipients. */
export async function noticeMail(
  notice: RunNotice,
  from: { header: string; address: string },
  recipients: readonly Mailbox[],
  now: Date,
): Promise<OutgoingMail> {
  const subject = noticeSubject(notice);
  const draft = {
    from: from.header,
    to: [...recipients],
    cc: [],
    bcc: [],
    subject,
    body: { text: noticeText(notice) },
    attachments: [],
    date: now,
  };
  const { messageId, content } = await composeMail(draft);
  const addresses = [...new Set(recipients.map((mailbox) => mailbox.address))];
  return { messageId, content, subject, sender: from.address, recipients: addresses, server: null };
}
