import { Link } from '../router.tsx';
import { Time } from '../runs/Time.tsx';
import { MailRecipients, MailState } from './MailState.tsx';
import type { OutboxMessage } from './mail-types.ts';
import { useOutboxAction } from './use-outbox.ts';

const RETRIABLE = ['queued', 'retrying', 'failed', 'partly-sent'];
const CANCELABLE = ['queued', 'retrying'];

/** Retry now and Cancel, where the message's state allows them. */
function MessageActions({ message }: { message: OutboxMessage }) {
  const retry = useOutboxAction('retry');
  const cancel = useOutboxAction('cancel');
  const error = retry.error ?? cancel.error;
  const busy = retry.isPending || cancel.isPending;
  const what = `“${message.subject}”`;
  return (
    <>
      {RETRIABLE.includes(message.state) && (
        <button
          type="button"
          disabled={busy}
          aria-label={`Send ${what} now`}
          onClick={() => retry.mutate(message.id)}
        >
          Send now
        </button>
      )}{' '}
      {CANCELABLE.includes(message.state) && (
        <button
          type="button"
          disabled={busy}
          aria-label={`Cancel ${what}`}
          onClick={() => cancel.mutate(message.id)}
        >
          Cancel
        </button>
      )}
      {error && <div role="alert">{error.message}</div>}
    </>
  );
}

/**
 * The outbox's messages: what, to whom, from which run, and how delivery goes. On a phone each
 * row is a card of its own, every cell named by its column (data-label).
 */
export function OutboxTable({ messages }: { messages: OutboxMessage[] }) {
  return (
    <div className="table-scroll">
      <table className="outbox-table">
        <thead>
          <tr>
            <th scope="col">Queued</th>
            <th scope="col">Subject</th>
            <th scope="col">Recipients</th>
            <th scope="col">Delivery</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {messages.map((message) => (
            <tr key={message.id}>
              <td data-label="Queued">
                <Time iso={message.createdAt} />
              </td>
              <td className="wrap outbox-subject">
                {message.subject}
                {message.runId && (
                  <div>
                    <Link href={`/runs/${encodeURIComponent(message.runId)}`}>Its run</Link>
                  </div>
                )}
                {message.server && <div className="muted">through {message.server}</div>}
              </td>
              <td data-label="Recipients">
                <MailRecipients message={message} />
              </td>
              <td data-label="Delivery">
                <MailState message={message} />
              </td>
              <td className="outbox-actions">
                <MessageActions message={message} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
