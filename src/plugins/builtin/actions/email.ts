import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { FieldIssue } from '../../../domain/errors.ts';
import { placeholderNames } from '../../../domain/placeholders.ts';
import { composeMail } from '../../../mail/compose-mail.ts';
import { checkDestination, DeniedDestinationError } from '../../../net/destination.ts';
import { serverNetworkPolicy } from '../../../net/server-policy.ts';
import { defineAction } from '../../define-kind.ts';
import { fileResults, type DeliveryPreview } from '../../delivery-preview.ts';
import type { ActionContext } from '../../run-context.ts';
import type { OwnSmtpServer } from '../../run-host.ts';
import { parseMailbox, parseMailboxes, type Mailbox } from '../delivery/addresses.ts';
import { zipFiles } from '../delivery/zip-files.ts';
import { coerceError } from '../../../domain/coerce-error.ts';
import { counted } from '../../../domain/counted.ts';

const Recipients = (description: string) =>
  Type.Array(Type.String({ maxLength: 320 }), { maxItems: 500, default: [], description });

const OwnSmtpServer = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 255,
      destination: true,
      description: 'Host name of the SMTP server',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587, description: 'Port' }),
    secure: Type.Boolean({
      default: false,
      description:
        'TLS from the start (usually port 465); otherwise STARTTLS, which a login requires unless an administrator allows plain text',
    }),
    user: Type.String({ maxLength: 320, default: '', description: 'Login; empty for none' }),
    password: Type.String({ maxLength: 1000, default: '', secret: true, description: 'Password' }),
    from: Type.String({
      minLength: 3,
      maxLength: 320,
      description: 'Sender, e.g. "Reports <reports@example.com>"',
    }),
  },
  {
    additionalProperties: false,
    description: "An SMTP server of your own instead of the server's default",
  },
);

const EmailConfig = Type.Object(
  {
    to: Recipients(
      'Recipients, one address per entry ("bob@example.com" or "Bob <bob@example.com>")',
    ),
    cc: Recipients('Copy recipients, one address per entry'),
    bcc: Recipients('Blind copy recipients, one address per entry'),
    subject: Type.String({ maxLength: 998, default: '{task.name}', description: 'Subject' }),
    body: Type.String({ maxLength: 1_000_000, default: '', description: 'Message text' }),
    bodyFormat: Type.Union([Type.Literal('text'), Type.Literal('html')], {
      default: 'text',
      description: 'Whether the body is plain text or HTML',
    }),
    attach: Type.Union([Type.Literal('files'), Type.Literal('zip'), Type.Literal('none')], {
      default: 'files',
      description:
        'files: each file result attached; zip: all of them in one zip; none: no attachment',
    }),
    zipName: Type.String({
      minLength: 1,
      maxLength: 255,
      default: '{task.name}.zip',
      description: 'Name of the zip when attach is zip',
    }),
    smtp: Type.Optional(OwnSmtpServer),
  },
  { additionalProperties: false },
);

type EmailConfig = Static<typeof EmailConfig>;

/** Checks at save time the recipient entries that hold no placeholder (the rest are checked when sent). */
function checkRecipients(config: EmailConfig, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let count = 0;
  for (const field of ['to', 'cc', 'bcc'] as const) {
    config[field].forEach((entry, index) => {
      if (entry.trim() === '') return;
      count++;
      if (placeholderNames(entry).length > 0) return;
      try {
        parseMailbox(entry);
      } catch (error) {
        issues.push({ path: `${path}/${field}/${index}`, message: coerceError(error).message });
      }
    });
  }
  if (count === 0) issues.push({ path: `${path}/to`, message: 'name at least one recipient' });
  return issues;
}

/** The server a message goes through and its sender: the action's own, or the default. */
interface ChosenServer {
  /** The action's own server, or null for the administrator's default. */
  own: OwnSmtpServer | null;
  /** The From header. */
  from: string;
}

/**
 * The server to send through: the action's own, checked against the network settings now (a
 * task could otherwise probe the server's network through it; the outbox checks it again at
 * each attempt), else the administrator's default, which the administrator chose and is trusted
 * as it is (often a relay on this machine).
 */
async function smtpServer(config: EmailConfig, context: ActionContext): Promise<ChosenServer> {
  const settings = await context.host.settings();
  if (config.smtp) {
    const { host, port, secure, user, password, from } = config.smtp;
    await checkDestination(host, port, serverNetworkPolicy(settings)).catch((error: unknown) => {
      if (error instanceof DeniedDestinationError) throw error;
      throw new Error(`could not reach SMTP server ${host}:${port}: ${coerceError(error).message}`);
    });
    return { own: { host, port, secure, user, password }, from };
  }
  if (settings.smtp) return { own: null, from: settings.smtp.from };
  throw new Error(
    'no SMTP server: the administrator has set no default SMTP server and the action names none',
  );
}

/** The attachments the config asks for. */
async function attachments(
  config: EmailConfig,
  context: ActionContext,
): Promise<Array<{ filename: string; path: string; contentType?: string }>> {
  const files = fileResults(context);
  if (config.attach === 'none' || files.length === 0) return [];
  if (config.attach === 'files') {
    return files.map((file) => ({
      filename: file.name,
      path: file.path,
      ...(file.mediaType ? { contentType: file.mediaType } : {}),
    }));
  }
  const zipName = config.zipName.toLowerCase().endsWith('.zip')
    ? config.zipName
    : `${config.zipName}.zip`;
  // The zip's name is only the attachment's; on disk it needs none of its characters.
  const path = join(await context.workDir(), 'attachments.zip');
  await zipFiles(files, path, context.signal);
  return [{ filename: zipName, path, contentType: 'application/zip' }];
}

/** The parsed to, cc and bcc lists; throws when an entry is not an address or all are empty. */
function recipientLists(config: EmailConfig): Record<'to' | 'cc' | 'bcc', Mailbox[]> {
  const lists = {
    to: parseMailboxes(config.to),
    cc: parseMailboxes(config.cc),
    bcc: parseMailboxes(config.bcc),
  };
  if (lists.to.length + lists.cc.length + lists.bcc.length === 0) {
    throw new Error('no recipients: to, cc and bcc are all empty');
  }
  return lists;
}

/** The envelope sender: the address of the From header. */
function senderOf(from: string): string {
  try {
    return parseMailbox(from).address;
  } catch {
    throw new Error(`the sender '${from}' is not a valid e-mail address (Settings, SMTP server)`);
  }
}

/**
 * Composes the message and puts it in the outbox, which delivers it after the run (retrying while
 * the server is unreachable); the run's page shows how delivery went.
 */
async function queueEmail(config: EmailConfig, context: ActionContext): Promise<void> {
  const recipients = recipientLists(config);
  const { own, from } = await smtpServer(config, context);
  const files = await attachments(config, context);
  const body = config.bodyFormat === 'html' ? { html: config.body } : { text: config.body };
  const draft = { from, ...recipients, subject: config.subject, body, attachments: files };
  const { messageId, content } = await composeMail({ ...draft, date: context.now() });
  const addresses = [...recipients.to, ...recipients.cc, ...recipients.bcc].map(
    (mailbox) => mailbox.address,
  );
  await context.host.queueMail({
    messageId,
    content,
    subject: config.subject,
    sender: senderOf(from),
    recipients: [...new Set(addresses)],
    server: own,
  });
  const attached = files.length > 0 ? `, ${counted(files.length, 'attachment')}` : '';
  context.log.info(
    `queued for delivery to ${counted(addresses.length, 'recipient')}${attached}, message id ${messageId}`,
  );
}

/** Who the message would go to, each list named but to. */
function addressesOf(recipients: Record<'to' | 'cc' | 'bcc', Mailbox[]>): string[] {
  return (['to', 'cc', 'bcc'] as const).flatMap((field) =>
    recipients[field].map((mailbox) =>
      field === 'to' ? mailbox.address : `${field}: ${mailbox.address}`,
    ),
  );
}

/** What the message would be, for a dry run: its recipients and attachments; nothing is sent. */
async function previewEmail(config: EmailConfig, context: ActionContext): Promise<DeliveryPreview> {
  const recipients = recipientLists(config);
  const { own } = await smtpServer(config, context);
  const files = await Promise.all(
    (await attachments(config, context)).map(async (file) => ({
      name: file.filename,
      bytes: (await stat(file.path)).size,
    })),
  );
  const server = own ? `${own.host}:${own.port}` : "the server's default SMTP server";
  return {
    to: addressesOf(recipients),
    files,
    note: `subject "${config.subject}", through ${server}`,
  };
}

/** Sends an e-mail, with the file results attached or zipped. */
export const emailAction = defineAction({
  kind: 'email',
  title: 'Send an e-mail',
  description: 'Sends an e-mail, with the file results attached (each, or in one zip)',
  configSchema: EmailConfig,
  permission: 'action.email',
  accepts: ['file'],
  // A mail that only reports (a task with no jobs, or none that made a file) still goes out.
  runsWithoutResults: true,
  check: checkRecipients,
  run: queueEmail,
  preview: previewEmail,
});
