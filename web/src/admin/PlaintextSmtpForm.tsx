import { useState, type FormEvent } from 'react';
import { CheckboxField } from '../components/CheckboxField.tsx';
import { formError } from './form-errors.ts';
import { useSaveSettings } from './use-settings.ts';

/**
 * Whether the SMTP servers tasks name themselves may take a login unencrypted. Off, a login
 * to a server without TLS from the start needs STARTTLS, and the run fails without it.
 */
export function PlaintextSmtpForm({ allowed }: { allowed: boolean }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState(allowed);
  const [saved, setSaved] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    save.mutate(
      { allowPlaintextSmtp: draft },
      {
        onSuccess: (settings) => {
          setDraft(settings.allowPlaintextSmtp);
          setSaved('Saved.');
        },
      },
    );
  };
  const problem = formError(save.error, []);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="own-smtp-heading">
      <h2 id="own-smtp-heading">Tasks’ own SMTP servers</h2>
      <p className="muted">
        An e-mail action may name an SMTP server of its own. Its login waits for TLS: a server that
        offers no STARTTLS fails the run rather than receive the password in clear.
      </p>
      <CheckboxField
        label="Allow their login without TLS"
        help="The passwords of such servers then cross the network unencrypted"
        checked={draft}
        onChange={setDraft}
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}
