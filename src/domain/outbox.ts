/**
 * The outbox: mail waiting for delivery, being delivered, or done. A message is written with the
 * end of the run that made it and sent by whichever node claims it; each recipient is tried
 * until the SMTP server accepts it, refuses it for good (5xx), or the retry period runs out.
 */

/**
 * Where a message is: held (written while its run goes on, released with the run's end, dropped
 * when the run is interrupted), waiting (queued, retrying), on its way (sending), or done.
 */
export type OutboxState =
  'held' | 'queued' | 'sending' | 'retrying' | 'sent' | 'partly-sent' | 'failed' | 'canceled';

/** The states a message leaves no more by itself. */
export const FINAL_OUTBOX_STATES: readonly OutboxState[] = [
  'sent',
  'partly-sent',
  'failed',
  'canceled',
];

/** Whether a message is done (sent, refused, expired or canceled). */
export const isFinalOutboxState = (state: OutboxState) => FINAL_OUTBOX_STATES.includes(state);

/** Where one recipient is: not accepted yet, accepted by the server, or refused for good. */
export type RecipientState = 'pending' | 'sent' | 'failed';

/** A recipient of a message and what the server said of it last. */
export interface OutboxRecipient {
  address: string;
  state: RecipientState;
  /** The server's last answer for this recipient (or the error of the last attempt). */
  response: string | null;
}

/** Why a message is in the outbox: an action of a task, or a notice about a run. */
export type OutboxPurpose = 'action' | 'notice';

/**
 * The SMTP server a message goes through: null for the administrator's default (read when it is
 * sent, so a fixed setting helps waiting mail), or a task's own server with its password sealed.
 */
export interface OutboxServer {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** Sealed with the server's secret key; empty for no login. */
  sealedPassword: string;
}

/** A message as it is written to the outbox. */
export interface NewOutboxMessage {
  id: string;
  /** The Message-ID header, the same on every attempt, so a resend is recognisable. */
  messageId: string;
  runId: string | null;
  taskId: string | null;
  ownerId: string | null;
  purpose: OutboxPurpose;
  subject: string;
  /** The envelope sender. */
  sender: string;
  recipients: string[];
  server: OutboxServer | null;
  /** The whole message as sent (RFC 5322, attachments included). */
  content: Buffer;
  createdAt: number;
  /** When delivery gives up on recipients still pending. */
  expiresAt: number;
}

/** What people read of a message: everything but its content. */
export interface OutboxEntry {
  id: string;
  messageId: string;
  runId: string | null;
  taskId: string | null;
  ownerId: string | null;
  purpose: OutboxPurpose;
  subject: string;
  sender: string;
  recipients: OutboxRecipient[];
  /** The task's own server (host:port), or null for the default server. */
  serverName: string | null;
  size: number;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number | null;
  expiresAt: number;
  lastError: string | null;
  /** The node sending it now, or that sent it last. */
  claimedBy: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** A message a node has claimed to send, with what sending needs. */
export interface ClaimedMessage {
  entry: OutboxEntry;
  server: OutboxServer | null;
  content: Buffer;
  claimToken: string;
}

/** Where a claimed message goes after an attempt. */
export interface OutboxSettlement {
  state: OutboxState;
  recipients: OutboxRecipient[];
  lastError: string | null;
  /** When to try again; null once the message is done. */
  nextAttemptAt: number | null;
  finishedAt: number | null;
}

/** How many messages are in each state, and since when the oldest waiting one waits. */
export interface OutboxCounts {
  byState: Record<OutboxState, number>;
  /** When the oldest queued or retrying message was queued; null when none waits. */
  oldestWaitingSince: number | null;
}
