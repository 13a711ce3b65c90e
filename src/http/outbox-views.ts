import { Type } from '@sinclair/typebox';
import type { OutboxEntry } from '../domain/outbox.ts';

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
const Time = Type.String({ format: 'date-time' });
const OrNull = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** A message of the outbox as the API shows it: everything but its content. */
export const OutboxEntrySchema = Type.Object({
  id: Type.String(),
  messageId: Type.String({ description: 'The Message-ID header, the same on every attempt' }),
  runId: OrNull(Type.String()),
  taskId: OrNull(Type.String()),
  purpose: Type.Union([Type.Literal('action'), Type.Literal('notice')]),
  subject: Type.String(),
  sender: Type.String(),
  recipients: Type.Array(
    Type.Object({
      address: Type.String(),
      state: Type.Union(['pending', 'sent', 'failed'].map((state) => Type.Literal(state))),
      response: OrNull(Type.String({ description: "The server's last answer for it" })),
    }),
  ),
  server: OrNull(
    Type.String({ description: "A task's own SMTP server (host:port); null for the default" }),
  ),
  size: Type.Integer({ description: 'Bytes, attachments included' }),
  state: Type.Union(
    ['held', 'queued', 'sending', 'retrying', 'sent', 'partly-sent', 'failed', 'canceled'].map(
      (state) => Type.Literal(state),
    ),
  ),
  attempts: Type.Integer(),
  nextAttemptAt: OrNull(Time),
  expiresAt: Type.String({ format: 'date-time', description: 'When delivery gives up' }),
  lastError: OrNull(Type.String()),
  node: OrNull(Type.String({ description: 'The node sending it now, or that tried it last' })),
  createdAt: Time,
  finishedAt: OrNull(Time),
});

/** The API's view of an outbox entry. */
export function outboxView(entry: OutboxEntry) {
  return {
    id: entry.id,
    messageId: entry.messageId,
    runId: entry.runId,
    taskId: entry.taskId,
    purpose: entry.purpose,
    subject: entry.subject,
    sender: entry.sender,
    recipients: entry.recipients,
    server: entry.serverName,
    size: entry.size,
    state: entry.state,
    attempts: entry.attempts,
    nextAttemptAt: iso(entry.nextAttemptAt),
    expiresAt: new Date(entry.expiresAt).toISOString(),
    lastError: entry.lastError,
    node: entry.claimedBy,
    createdAt: new Date(entry.createdAt).toISOString(),
    finishedAt: iso(entry.finishedAt),
  };
}
