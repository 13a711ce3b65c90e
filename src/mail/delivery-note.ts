import type { OutboxEntry, OutboxRecipient, OutboxSettlement } from '../domain/outbox.ts';

const addresses = (recipients: readonly OutboxRecipient[]) =>
  recipients.map((recipient) => recipient.address).join(', ');

/** The recipients in a state, said with what the server answered for them. */
function refusedOnes(recipients: readonly OutboxRecipient[]): string {
  return recipients.map((each) => `${each.address} (${each.response ?? 'refused'})`).join(', ');
}

/**
 * One line on what became of a message after an attempt, for the run's log and the server's:
 * whom it reached, who refused it for good, and when the rest is tried again.
 */
export function deliveryNote(
  entry: OutboxEntry,
  settlement: OutboxSettlement,
  now: number,
): string {
  const level =
    settlement.state === 'sent' ? 'INFO ' : settlement.state === 'retrying' ? 'WARN ' : 'ERROR';
  const before = new Set(
    entry.recipients.filter((each) => each.state === 'sent').map((each) => each.address),
  );
  const sentNow = settlement.recipients.filter(
    (each) => each.state === 'sent' && !before.has(each.address),
  );
  const failed = settlement.recipients.filter((each) => each.state === 'failed');
  const pending = settlement.recipients.filter((each) => each.state === 'pending');
  const parts = [
    sentNow.length > 0 ? `delivered to ${addresses(sentNow)}` : null,
    failed.length > 0 ? `not delivered to ${refusedOnes(failed)}` : null,
    pending.length > 0 && settlement.nextAttemptAt !== null
      ? `${addresses(pending)} tried again at ${new Date(settlement.nextAttemptAt).toISOString()} (attempt ${entry.attempts} failed: ${settlement.lastError ?? 'no answer'})`
      : null,
  ].filter((part) => part !== null);
  return `${new Date(now).toISOString()} ${level} mail "${entry.subject}" (${settlement.state}): ${parts.join('; ')}`;
}
