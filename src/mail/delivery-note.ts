import type { OutboxEntry, OutboxRecipient, OutboxSettlement } from '../domain/outbox.ts';

/** A note names this many recipients at most, then says how many more. */
const NAMED_RECIPIENTS = 10;

/** The first few items, and how many more there are. */
function listed(items: readonly string[]): string {
  const named = items.slice(0, NAMED_RECIPIENTS).join(', ');
  const more = items.length - NAMED_RECIPIENTS;
  return more > 0 ? `${named} and ${more} more` : named;
}

const addresses = (recipients: readonly OutboxRecipient[]) =>
  listed(recipients.map((recipient) => recipient.address));

/** The recipients in a state, said with what the server answered for them. */
function refusedOnes(recipients: readonly OutboxRecipient[]): string {
  return listed(recipients.map((each) => `${each.address} (${each.response ?? 'refused'})`));
}

/** Text on one line: a subject's line breaks would write lines nobody logged. */
const oneLine = (text: string) =>
  [...text].map((char) => (char.charCodeAt(0) < 32 || char === '\u007f' ? ' ' : char)).join('');

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
  const subject = oneLine(entry.subject);
  return `${new Date(now).toISOString()} ${level} mail "${subject}" (${settlement.state}): ${oneLine(parts.join('; '))}`;
}
