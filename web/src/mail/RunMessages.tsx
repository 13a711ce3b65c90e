import { MailRecipients, MailState } from './MailState.tsx';
import { useRunMessages } from './use-run-messages.ts';
import './mail.css';

/** The mail a run queued and how its delivery goes; nothing when the run sent none. */
export function RunMessages({ runId }: { runId: string }) {
  const messages = useRunMessages(runId);
  if (!messages.data || messages.data.length === 0) return null;
  return (
    <section aria-labelledby="run-mail-heading">
      <h2 id="run-mail-heading">Mail</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Recipients</th>
              <th scope="col">Delivery</th>
            </tr>
          </thead>
          <tbody>
            {messages.data.map((message) => (
              <tr key={message.id}>
                <td className="wrap">{message.subject}</td>
                <td>
                  <MailRecipients message={message} />
                </td>
                <td>
                  <MailState message={message} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
