import { useMe } from '../auth.tsx';
import { STATE_WORDS, type OutboxState } from '../mail/mail-types.ts';
import { OutboxTable } from '../mail/OutboxTable.tsx';
import { useOutbox, useOutboxCounts } from '../mail/use-outbox.ts';
import '../mail/mail.css';
import { navigate, useLocation } from '../router.tsx';
import { Pager } from '../runs/Pager.tsx';
import { Time } from '../runs/Time.tsx';
import { useCursorPages } from '../runs/use-cursor-pages.ts';
import '../runs/runs.css';
import { NotAllowedPage } from './NotAllowedPage.tsx';

const STATES = Object.keys(STATE_WORDS) as OutboxState[];

/** The delivery at a glance: how many messages wait, fail or went out. */
function DeliverySummary() {
  const counts = useOutboxCounts();
  if (!counts.data) return null;
  const { byState, oldestWaitingSince } = counts.data;
  const waiting = byState.queued + byState.retrying + byState.sending;
  return (
    <p className="outbox-summary" aria-live="polite">
      <span>
        <strong>{waiting}</strong> waiting or being sent
        {oldestWaitingSince && (
          <>
            {' '}
            (the oldest since <Time iso={oldestWaitingSince} />)
          </>
        )}
      </span>
      <span>
        <strong>{byState.failed + byState['partly-sent']}</strong> not delivered to everyone
      </span>
      <span>
        <strong>{byState.sent}</strong> sent
      </span>
    </p>
  );
}

/**
 * The outbox: every task's mail and its delivery (the "SMTP message delivery" activity of the
 * server), for holders of mail.manage; send a waiting or failed message now, or cancel it.
 */
export function OutboxPage() {
  const me = useMe();
  const { path, search } = useLocation();
  const wanted = search.get('state');
  const state = STATES.includes(wanted as OutboxState) ? (wanted as OutboxState) : null;
  const pages = useCursorPages(state ?? '');
  const messages = useOutbox(state, pages.cursor, me.can.manageMail);
  if (!me.can.manageMail) {
    return <NotAllowedPage title="Outbox" purpose="see the outbox" permission="mail.manage" />;
  }
  return (
    <section>
      <h1>Outbox</h1>
      <p className="muted">
        Mail from tasks waits here until the SMTP server takes it; it is tried again while the
        server cannot be reached or answers “try later”.
      </p>
      <DeliverySummary />
      <label>
        Show{' '}
        <select
          value={state ?? ''}
          onChange={(event) =>
            navigate(event.target.value ? `${path}?state=${event.target.value}` : path, {
              replace: true,
            })
          }
        >
          <option value="">All messages</option>
          {STATES.map((each) => (
            <option key={each} value={each}>
              {STATE_WORDS[each]}
            </option>
          ))}
        </select>
      </label>
      {messages.isPending && <p className="loading">Loading the outbox…</p>}
      {messages.isError && <p role="alert">{messages.error.message}</p>}
      {messages.data && messages.data.items.length === 0 && (
        <p className="muted">No messages{state ? ` in this state` : ' yet'}.</p>
      )}
      {messages.data && messages.data.items.length > 0 && (
        <OutboxTable messages={messages.data.items} />
      )}
      <Pager
        label="Pages of the outbox"
        pageNumber={pages.pageNumber}
        nextCursor={messages.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </section>
  );
}
