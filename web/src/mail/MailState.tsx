import { Time } from '../runs/Time.tsx';
import { STATE_CLASS, STATE_WORDS, type OutboxMessage } from './mail-types.ts';

/** A message's state in words, with when it is tried next or why it stopped. */
export function MailState({ message }: { message: OutboxMessage }) {
  return (
    <>
      <span className={`status ${STATE_CLASS[message.state]}`}>{STATE_WORDS[message.state]}</span>
      {message.state === 'retrying' && message.nextAttemptAt && (
        <span className="muted">
          {' '}
          · next attempt <Time iso={message.nextAttemptAt} />
        </span>
      )}
      <span className="muted">
        {' '}
        · {message.attempts} {message.attempts === 1 ? 'attempt' : 'attempts'}
      </span>
      {message.lastError && message.state !== 'sent' && (
        <div className="wrap mail-error">{message.lastError}</div>
      )}
    </>
  );
}

type Recipient = OutboxMessage['recipients'][number];

/**
 * What became of the message for one recipient, in words, and its status colour: one still
 * pending waits only while the message does (a canceled or given-up message reaches nobody more).
 */
function recipientOutcome(recipient: Recipient, message: OutboxMessage): [string, string] {
  if (recipient.state === 'sent') return ['delivered', 'succeeded'];
  if (recipient.state === 'failed') return ['not delivered', 'failed'];
  if (message.state === 'canceled') return ['not sent: canceled', 'canceled'];
  if (message.state === 'failed' || message.state === 'partly-sent') {
    return ['not delivered', 'failed'];
  }
  return ['waiting', 'queued'];
}

/** Each recipient with what became of the message for them. */
export function MailRecipients({ message }: { message: OutboxMessage }) {
  return (
    <ul className="mail-recipients">
      {message.recipients.map((recipient) => {
        const [words, status] = recipientOutcome(recipient, message);
        return (
          <li key={recipient.address}>
            <span className="wrap">{recipient.address}</span>{' '}
            <span className={`status status-${status}`}>{words}</span>
            {recipient.response &&
              recipient.state !== 'sent' &&
              recipient.response !== message.lastError && (
                <span className="muted wrap"> · {recipient.response}</span>
              )}
          </li>
        );
      })}
    </ul>
  );
}
