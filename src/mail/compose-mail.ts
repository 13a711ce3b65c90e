import { randomUUID } from 'node:crypto';
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
  if (content.length > MAX_MESSAGE_BYTES) {
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    throw new Error(
      `the message with its attachments is ${mib(content.length)}, more than the ${mib(MAX_MESSAGE_BYTES)} the outbox takes; attach a zip or save the files to a folder instead`,
    );
  }
  return { messageId, content };
}
