import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mailbox } from '../plugins/builtin/delivery/addresses.ts';

/** The largest message the outbox takes, attachments included (as encoded for sending). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

/** A message to compose: headers, body and attachments read from files. */
export interface MailDraft {
  /** The From header, e.g. "Reports <reports@example.com>". */
  from: string;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  body: { text: string } | { html: string };
  attachments: Array<{ filename: string; path: string; contentType?: string }>;
  date: Date;
}

/** A message as it is sent: its Message-ID and every byte of it. */
export interface ComposedMail {
  messageId: string;
  content: Buffer;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The refusal of a message the outbox does not take. */
function tooLarge(bytes: number): Error {
  return new Error(
    `the message with its attachments is ${mib(bytes)} as sent, more than the ${mib(MAX_MESSAGE_BYTES)} the outbox takes; save the files to a folder or upload them instead`,
  );
}

/** The domain of the sender's address, for the Message-ID (as mail programs make it). */
function domainOf(from: string): string {
  const at = from.lastIndexOf('@');
  const domain = at < 0 ? '' : from.slice(at + 1).replace(/[>\s].*$/, '');
  return /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'taskplanner.invalid';
}

/**
 * Composes the whole message once, so that every attempt sends the same bytes with the same
 * Message-ID (a resend after a crash is recognisable as the same message). Bcc recipients are
 * in the envelope only, never in the headers.
 */
export async function composeMail(draft: MailDraft): Promise<ComposedMail> {
  // Checked before anything is read: base64 makes 4 bytes of every 3.
  const files = await Promise.all(
    draft.attachments.map(async ({ path }) => (await stat(path)).size),
  );
  const estimate = Math.ceil((files.reduce((sum, size) => sum + size, 0) * 4) / 3);
  if (estimate > MAX_MESSAGE_BYTES) throw tooLarge(estimate);
  const messageId = `<${randomUUID()}@${domainOf(draft.from)}>`;
  const composer = new MailComposer({
    from: draft.from,
    to: draft.to,
    cc: draft.cc,
    subject: draft.subject,
    ...draft.body,
    attachments: draft.attachments,
    messageId,
    date: draft.date,
  });
  const content = await composer.compile().build();
  if (content.length > MAX_MESSAGE_BYTES) throw tooLarge(content.length);
  return { messageId, content };
}
