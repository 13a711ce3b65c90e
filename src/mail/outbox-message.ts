import { randomUUID } from 'node:crypto';
import type { NewOutboxMessage, OutboxPurpose } from '../domain/outbox.ts';
import type { OutgoingMail } from '../plugins/run-host.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

/** Whose message it is: the run that made it (if any), its task and the task's owner. */
export interface MailOrigin {
  runId: string | null;
  taskId: string | null;
  ownerId: string | null;
  purpose: OutboxPurpose;
}

/**
 * The outbox row for a composed message: a task's own server keeps its password sealed, and
 * delivery gives up on it retryHours after now.
 */
export function outboxMessageOf(
  mail: OutgoingMail,
  origin: MailOrigin,
  box: SecretBox,
  now: number,
  retryHours: number,
): NewOutboxMessage {
  const own = mail.server;
  return {
    id: randomUUID(),
    messageId: mail.messageId,
    ...origin,
    subject: mail.subject,
    sender: mail.sender,
    recipients: mail.recipients,
    server: own && {
      host: own.host,
      port: own.port,
      secure: own.secure,
      user: own.user,
      sealedPassword: own.password ? box.seal(own.password) : '',
    },
    content: mail.content,
    createdAt: now,
    expiresAt: now + retryHours * 3_600_000,
  };
}
