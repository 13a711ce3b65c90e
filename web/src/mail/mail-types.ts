import type { OutboxState, RecipientState } from '../../../src/domain/outbox.ts';

export type { OutboxState };

/** A recipient of a message and what the SMTP server said of it last. */
export interface MailRecipient {
  address: string;
  state: RecipientState;
  response: string | null;
}

/** A message of the outbox as the API shows it (GET /outbox, GET /runs/{id}/messages). */
export interface OutboxMessage {
  id: string;
  messageId: string;
  runId: string | null;
  taskId: string | null;
  purpose: 'action' | 'notice';
  subject: string;
  sender: string;
  recipients: MailRecipient[];
  server: string | null;
  size: number;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string | null;
  expiresAt: string;
  lastError: string | null;
  node: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The states a message leaves no more by itself. */
const DONE: readonly OutboxState[] = ['sent', 'partly-sent', 'failed', 'canceled'];

/** Whether delivery is over for the message. */
export const isDone = (message: OutboxMessage) => DONE.includes(message.state);

/** Each state in words. */
export const STATE_WORDS: Record<OutboxState, string> = {
  held: 'Held until the run ends',
  queued: 'Queued',
  sending: 'Sending',
  retrying: 'Waiting to retry',
  sent: 'Sent',
  'partly-sent': 'Partly sent',
  failed: 'Not delivered',
  canceled: 'Canceled',
};

/** The status colour class of each state (the run statuses' colours). */
export const STATE_CLASS: Record<OutboxState, string> = {
  held: 'status-queued',
  queued: 'status-queued',
  sending: 'status-running',
  retrying: 'status-queued',
  sent: 'status-succeeded',
  'partly-sent': 'status-partially-failed',
  failed: 'status-failed',
  canceled: 'status-canceled',
};
