import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { Field } from '../components/Field.tsx';
import type { Settings } from './admin-types.ts';
import { formError } from './form-errors.ts';
import { useSaveSettings } from './use-settings.ts';

type Lists = Pick<Settings, 'allowedNetworks' | 'deniedNetworks'>;

/** One network per line, as the list is edited. */
const asText = (networks: string[]) => networks.join('\n');

/** The lines that hold something, trimmed. */
const asList = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Every message the API gave for a list's entries (each names its entry). */
function listError(error: unknown, key: keyof Lists): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages = error.issues
    .filter((issue) => issue.path === `/${key}` || issue.path.startsWith(`/${key}/`))
    .map((issue) => issue.message);
  return messages.length > 0 ? messages.join('; ') : undefined;
}

function NetworkList({
  label,
  help,
  value,
  onChange,
  error,
}: {
  label: string;
  help: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  return (
    <Field label={label} help={help} error={error}>
      {(control) => (
        <textarea
          {...control}
          rows={6}
          spellCheck={false}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder="10.1.2.0/24"
        />
      )}
    </Field>
  );
}

/**
 * The networks tasks may reach (HTTP jobs, webhooks, a task's own SMTP server, SFTP and FTP
 * uploads, calendar URLs): the denied and the allowed lists, one network per line, saved together.
 */
export function NetworksForm({ networks }: { networks: Lists }) {
  const save = useSaveSettings();
  const [allowed, setAllowed] = useState(asText(networks.allowedNetworks));
  const [denied, setDenied] = useState(asText(networks.deniedNetworks));
  const [saved, setSaved] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    save.mutate(
      { allowedNetworks: asList(allowed), deniedNetworks: asList(denied) },
      {
        onSuccess: (settings) => {
          setAllowed(asText(settings.allowedNetworks));
          setDenied(asText(settings.deniedNetworks));
          setSaved('The networks are saved.');
        },
      },
    );
  };
  const problem = formError(save.error, ['/allowedNetworks', '/deniedNetworks']);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="networks-heading">
      <h2 id="networks-heading">Networks</h2>
      <p className="muted">
        Where tasks may connect: HTTP jobs, webhooks (actions and failure notices), a task’s own
        SMTP server, SFTP and FTP uploads, and the URLs of calendar triggers. Each host is checked
        after its name is resolved, and again on every redirect. An address is allowed when an
        allowed network holds it, or when no denied network does; this server’s own addresses are
        denied unless allowed. The default SMTP server above is not checked.
      </p>
      <NetworkList
        label="Denied networks"
        help="One network per line, as address/prefix (192.168.0.0/16, fc00::/7) or one address."
        value={denied}
        onChange={setDenied}
        error={listError(save.error, 'deniedNetworks')}
      />
      <NetworkList
        label="Allowed networks"
        help="Exceptions to the denied networks, e.g. 10.1.2.0/24 for an intranet service."
        value={allowed}
        onChange={setAllowed}
        error={listError(save.error, 'allowedNetworks')}
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save networks
        </button>
      </div>
    </form>
  );
}
