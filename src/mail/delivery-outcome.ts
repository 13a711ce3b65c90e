import type {
  OutboxEntry,
  OutboxRecipient,
  OutboxSettlement,
  OutboxState,
} from '../domain/outbox.ts';
import type { AttemptResult } from './delivery-attempt.ts';

/** The wait after the first failed attempt; it doubles after each one, up to MAX_RETRY_DELAY_MS. */
export const FIRST_RETRY_DELAY_MS = 60_000;
export const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** How long to wait after the attempt-th attempt failed (1, 2, 4 … 60 minutes). */
export function retryDelayMs(attempt: number): number {
  const doublings = Math.min(Math.max(attempt - 1, 0), 20);
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** doublings, MAX_RETRY_DELAY_MS);
}

/** Each tried recipient as the attempt left it; the others as they were. */
function recipientsAfter(
  recipients: readonly OutboxRecipient[],
  tried: ReadonlySet<string>,
  result: AttemptResult,
): OutboxRecipient[] {
  const accepted = new Set(result.accepted.map((address) => address.toLowerCase()));
  const refusals = new Map(result.refused.map((each) => [each.address.toLowerCase(), each]));
  return recipients.map((recipient): OutboxRecipient => {
    if (!tried.has(recipient.address)) return recipient;
    const key = recipient.address.toLowerCase();
    if (accepted.has(key)) return { ...recipient, state: 'sent', response: 'accepted' };
    const refusal = refusals.get(key);
    if (refusal) {
      return {
        ...recipient,
        state: refusal.permanent ? 'failed' : 'pending',
        response: refusal.response,
      };
    }
    if (result.error) {
      const state = result.error.permanent ? 'failed' : 'pending';
      return { ...recipient, state, response: result.error.message };
    }
    // Tried, neither accepted nor refused: the server said nothing of it, so try again.
    return { ...recipient, state: 'pending', response: 'the server did not answer for it' };
  });
}

/** The state of a message none of whose recipients is pending. */
function finalState(recipients: readonly OutboxRecipient[]): OutboxState {
  const sent = recipients.filter((recipient) => recipient.state === 'sent').length;
  if (sent === recipients.length) return 'sent';
  return sent > 0 ? 'partly-sent' : 'failed';
}

/** What went wrong last, in one line: the attempt's error, else the first refusal. */
function lastErrorOf(result: AttemptResult): string | null {
  if (result.error) return result.error.message;
  const refusal = result.refused[0];
  return refusal ? `${refusal.address}: ${refusal.response}` : null;
}

/**
 * Where a message goes after an attempt (its attempts counted, this one included): done when no
 * recipient is pending, given up on when the retry period is over, else tried again after the
 * back-off (never later than the end of the retry period, so the last try falls on it).
 */
export function settlementAfter(
  entry: OutboxEntry,
  tried: readonly string[],
  result: AttemptResult,
  now: number,
): OutboxSettlement {
  let recipients = recipientsAfter(entry.recipients, new Set(tried), result);
  const lastError = lastErrorOf(result);
  const pending = recipients.some((recipient) => recipient.state === 'pending');
  if (pending && now >= entry.expiresAt) {
    const hours = Math.round((entry.expiresAt - entry.createdAt) / 3_600_000);
    recipients = recipients.map((recipient) =>
      recipient.state === 'pending'
        ? {
            ...recipient,
            state: 'failed',
            response: `gave up after ${entry.attempts} attempts over ${hours} h: ${recipient.response ?? 'no answer'}`,
          }
        : recipient,
    );
  } else if (pending) {
    const nextAttemptAt = Math.min(now + retryDelayMs(entry.attempts), entry.expiresAt);
    return { state: 'retrying', recipients, lastError, nextAttemptAt, finishedAt: null };
  }
  return {
    state: finalState(recipients),
    recipients,
    lastError,
    nextAttemptAt: null,
    finishedAt: now,
  };
}
