import { isIP } from 'node:net';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { createTransport } from 'nodemailer';
import type { FieldIssue } from '../../../domain/errors.ts';
import { placeholderNames } from '../../../domain/placeholders.ts';
import type { SmtpSettings } from '../../../domain/settings.ts';
import { checkDestination, DeniedDestinationError } from '../../../net/destination.ts';
import { serverNetworkPolicy } from '../../../net/server-policy.ts';
import { defineAction } from '../../define-kind.ts';
import type { FileResult } from '../../results.ts';
import type { ActionContext } from '../../run-context.ts';
import { parseMailbox, parseMailboxes, type Mailbox } from '../delivery/addresses.ts';
import { zipFiles } from '../delivery/zip-files.ts';
import { coerceError } from '../../../domain/coerce-error.ts';

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

/** Nodemailer's timeouts; a stuck server fails the action instead of holding the run. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

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

/** An SMTP server, and the address to connect to when it had to be checked. */
interface ChosenServer {
  server: SmtpSettings;
  /** The checked address of the action's own server; null for the administrator's default. */
  address: string | null;
  /** Whether an administrator let this server take the login unencrypted. */
  plaintextAllowed: boolean;
}

/**
 * The server to send through: the action's own, checked against the network settings (a task
 * could otherwise probe the server's network through it), else the administrator's default,
 * which the administrator chose and is trusted as it is (often a relay on this machine).
 */
async function smtpServer(config: EmailConfig, context: ActionContext): Promise<ChosenServer> {
  const settings = await context.host.settings();
  if (config.smtp) {
    const { host, port } = config.smtp;
    const address = await checkDestination(host, port, serverNetworkPolicy(settings)).catch(
      (error: unknown) => {
        if (error instanceof DeniedDestinationError) throw error;
        throw new Error(
          `could not reach SMTP server ${host}:${port}: ${coerceError(error).message}`,
        );
      },
    );
    return { server: config.smtp, address, plaintextAllowed: settings.allowPlaintextSmtp };
  }
  if (settings.smtp) {
    const plaintextAllowed = settings.smtp.allowPlaintext ?? false;
    return { server: settings.smtp, address: null, plaintextAllowed };
  }
  throw new Error(
    'no SMTP server: the administrator has set no default SMTP server and the action names none',
  );
}

/** Where nodemailer connects: the checked address (TLS still verifies the name), else the host. */
function connectionOf({ server, address }: ChosenServer): { host: string; servername?: string } {
  if (address === null) return { host: server.host };
  return isIP(server.host) === 0 ? { host: address, servername: server.host } : { host: address };
}

/**
 * Whether the login must wait for TLS: without TLS from the start, STARTTLS is then required
 * (nodemailer's requireTLS), so a server that does not offer it never sees the password.
 */
function requiresTls({ server, plaintextAllowed }: ChosenServer): boolean {
  return !server.secure && Boolean(server.user) && !plaintextAllowed;
}

/** Where an administrator lets this server take the login in clear: in the UI, and in the API. */
function plaintextSetting(chosen: ChosenServer): string {
  return chosen.address === null
    ? 'Settings, SMTP server; smtp.allowPlaintext in the API'
    : "Settings, Tasks' own SMTP servers; allowPlaintextSmtp in the API";
}

/** A failed STARTTLS as a message: refused by the server, or the TLS handshake failed. */
function tlsError(chosen: ChosenServer, where: string, response: unknown, message: string): Error {
  if (typeof response !== 'string' || !requiresTls(chosen)) {
    return new Error(`could not start TLS with ${where}: ${message}`);
  }
  return new Error(
    `${where} does not offer STARTTLS, so the password would go in clear; use TLS from the start (secure, usually port 465), or an administrator can allow plain-text SMTP for this server (${plaintextSetting(chosen)}). The server said: ${response}`,
  );
}

/** A nodemailer error as a message that says which server and what went wrong. */
function sendError(error: unknown, chosen: ChosenServer): Error {
  const { code, response, message } = error as {
    code?: string;
    response?: string;
    message?: string;
  };
  const { server } = chosen;
  const where = `SMTP server ${server.host}:${server.port}`;
  const said = response ?? message ?? String(error);
  switch (code) {
    case 'ETLS':
      return tlsError(chosen, where, response, message ?? said);
    case 'EAUTH':
      return new Error(`${where} refused the login as '${server.user}': ${said}`);
    case 'ENOAUTH':
      return new Error(`${where} needs a login, but none is configured`);
    case 'EENVELOPE':
      return new Error(`${where} refused the sender or recipients: ${said}`);
    case 'ECONNECTION':
    case 'ETIMEDOUT':
    case 'EDNS':
    case 'ESOCKET':
      return new Error(`could not reach ${where}: ${message ?? said}`);
    default:
      return new Error(`sending through ${where} failed: ${said}`);
  }
}

/** The attachments the config asks for. */
async function attachments(
  config: EmailConfig,
  context: ActionContext,
): Promise<Array<{ filename: string; path: string; contentType?: string }>> {
  const files = context.results.filter(
    (result): result is FileResult & { jobId: string; valid: boolean } => result.type === 'file',
  );
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

async function sendEmail(config: EmailConfig, context: ActionContext): Promise<void> {
  const recipients = recipientLists(config);
  const chosen = await smtpServer(config, context);
  const { server } = chosen;
  const files = await attachments(config, context);
  const transport = createTransport({
    ...connectionOf(chosen),
    port: server.port,
    secure: server.secure,
    requireTLS: requiresTls(chosen),
    ...(server.user ? { auth: { user: server.user, pass: server.password } } : {}),
    ...TIMEOUTS,
  });
  try {
    const info = await transport.sendMail({
      from: server.from,
      ...recipients,
      subject: config.subject,
      ...(config.bodyFormat === 'html' ? { html: config.body } : { text: config.body }),
      attachments: files,
      signal: context.signal,
    });
    const count = recipients.to.length + recipients.cc.length + recipients.bcc.length;
    const attached = files.length > 0 ? `, ${files.length} attachment(s)` : '';
    context.log.info(`sent to ${count} recipient(s)${attached}, message id ${info.messageId}`);
  } catch (error) {
    if (context.signal.aborted) throw new Error('stopped');
    throw sendError(error, chosen);
  } finally {
    transport.close();
  }
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
  run: sendEmail,
});
