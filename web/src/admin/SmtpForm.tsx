import { useState, type FormEvent } from 'react';
import type { Smtp } from './admin-types.ts';
import { CheckboxField } from '../components/CheckboxField.tsx';
import { fieldError, formError } from './form-errors.ts';
import { TextField } from '../components/TextField.tsx';
import { useSaveSettings } from './use-settings.ts';

const EMPTY: Smtp = {
  host: '',
  port: 587,
  secure: false,
  user: '',
  password: '',
  from: '',
  allowPlaintext: false,
};
const PATHS = ['host', 'port', 'secure', 'user', 'password', 'from'].map((f) => `/smtp/${f}`);

/** The default SMTP server for e-mail actions; the password is shown masked and kept if unchanged. */
export function SmtpForm({ smtp }: { smtp: Smtp | null }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState<Smtp>({ ...EMPTY, ...smtp });
  const [saved, setSaved] = useState('');
  const set = (field: keyof Smtp) => (value: string | boolean) =>
    setDraft((current) => ({ ...current, [field]: value }));
  const saveSmtp = (value: Smtp | null, message: string) =>
    save.mutate({ smtp: value }, { onSuccess: () => setSaved(message) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    saveSmtp({ ...draft, port: Number(draft.port) }, 'The SMTP server is saved.');
  };
  const remove = () => {
    if (
      !window.confirm(
        'Remove the SMTP server? E-mail actions without their own server stop working.',
      )
    )
      return;
    saveSmtp(null, 'The SMTP server is removed.');
    setDraft(EMPTY);
  };
  const error = (field: string) => fieldError(save.error, `/smtp/${field}`);
  const problem = formError(save.error, PATHS);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="smtp-heading">
      <h2 id="smtp-heading">SMTP server</h2>
      <p className="muted">Used by e-mail actions that do not name a server of their own.</p>
      <div className="form-grid">
        <TextField
          label="Host"
          required
          value={draft.host}
          onChange={set('host')}
          error={error('host')}
        />
        <TextField
          label="Port"
          type="number"
          required
          min={1}
          max={65535}
          value={String(draft.port)}
          onChange={set('port')}
          error={error('port')}
        />
        <TextField
          label="Login"
          autoComplete="off"
          value={draft.user}
          onChange={set('user')}
          error={error('user')}
          help="Empty for none"
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={draft.password ?? ''}
          onChange={set('password')}
          error={error('password')}
          help={smtp ? 'Shown masked: leave it as it is to keep the stored password' : undefined}
        />
        <TextField
          label="Sender address"
          required
          value={draft.from}
          onChange={set('from')}
          error={error('from')}
          help="e.g. Task Planner <planner@example.com>"
        />
      </div>
      <CheckboxField
        label="TLS from the start (usually port 465)"
        help="Otherwise STARTTLS is used, which a login requires unless plain text is allowed below"
        checked={draft.secure}
        onChange={set('secure')}
      />
      <CheckboxField
        label="Allow the login without TLS"
        help="Only for a server that offers no STARTTLS, on a network you trust: the password then crosses it unencrypted"
        checked={draft.allowPlaintext ?? false}
        onChange={set('allowPlaintext')}
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save SMTP server
        </button>
        {smtp && (
          <button type="button" onClick={remove} disabled={save.isPending}>
            Remove SMTP server
          </button>
        )}
      </div>
    </form>
  );
}
