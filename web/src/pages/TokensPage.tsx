import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { CopyButton } from '../admin/CopyButton.tsx';
import { TextField } from '../components/TextField.tsx';
import { fieldError, formError } from '../admin/form-errors.ts';
import { browserZone } from '../runs/format.ts';
import { Time } from '../runs/Time.tsx';
import '../admin/admin.css';
import { Field } from '../components/Field.tsx';

interface Token {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

const TOKENS_KEY = ['tokens'];
const DAY_MS = 86_400_000;
const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: 'date', label: 'On a date…' },
];

/** The expiry the form asks for, as the API takes it (end of the chosen day, in this browser). */
function expiryOf(choice: string, date: string): string | null {
  if (choice === 'never') return null;
  if (choice === 'date') return date ? new Date(`${date}T23:59:59`).toISOString() : null;
  return new Date(Date.now() + Number(choice) * DAY_MS).toISOString();
}

function ExpiryField({
  choice,
  date,
  onChoice,
  onDate,
  error,
}: {
  choice: string;
  date: string;
  onChoice: (value: string) => void;
  onDate: (value: string) => void;
  error: string | undefined;
}) {
  return (
    <>
      <Field label="Expires">
        {(control) => (
          <select {...control} value={choice} onChange={(event) => onChoice(event.target.value)}>
            {EXPIRY_CHOICES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {choice === 'date' && (
        <TextField
          label={`Expiry date (end of the day, ${browserZone})`}
          type="date"
          required
          min={new Date().toISOString().slice(0, 10)}
          value={date}
          onChange={onDate}
          error={error}
        />
      )}
    </>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (secret: string, name: string) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [choice, setChoice] = useState('90');
  const [date, setDate] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<Token & { token: string }>('POST', '/tokens', {
        name,
        expiresAt: expiryOf(choice, date),
      }),
    onSuccess: (created) => {
      void client.invalidateQueries({ queryKey: TOKENS_KEY });
      onCreated(created.token, created.name);
      setName('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const problem = formError(create.error, ['/name', '/expiresAt']);
  return (
    <form className="card narrow" onSubmit={submit} aria-labelledby="new-token-heading">
      <h2 id="new-token-heading">New token</h2>
      <TextField
        label="Name"
        help="What uses it, e.g. “backup script”"
        required
        pattern=".*\S.*"
        title="At least one character that is not a space"
        maxLength={100}
        value={name}
        onChange={setName}
        error={fieldError(create.error, '/name')}
      />
      <ExpiryField
        choice={choice}
        date={date}
        onChoice={setChoice}
        onDate={setDate}
        error={fieldError(create.error, '/expiresAt')}
      />
      {problem && <p role="alert">{problem}</p>}
      <button type="submit" className="primary" disabled={create.isPending}>
        Create token
      </button>
    </form>
  );
}

/** The new secret, shown this once; focus moves here so nobody misses it. */
function NewSecret({ secret, name, onDone }: { secret: string; name: string; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card secret-card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Token “{name}” created
      </h2>
      <p className="warning">
        Copy it now: it is shown only this once. Anyone who has it can act as you through the API.
      </p>
      <label htmlFor={id}>The token (send it as “Authorization: Bearer …”)</label>
      <div className="secret-row">
        <input
          id={id}
          readOnly
          value={secret}
          className="secret"
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={secret} />
      </div>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function TokenRow({ token }: { token: Token }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api('DELETE', `/tokens/${encodeURIComponent(token.id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) < Date.now();
  const confirmRevoke = () => {
    if (window.confirm(`Revoke the token “${token.name}”? Whatever uses it stops working.`)) {
      revoke.mutate();
    }
  };
  return (
    <tr>
      <td className="wrap">{token.name}</td>
      <td className="optional">
        <code>{token.prefix}…</code>
      </td>
      <td className="optional">
        <Time iso={token.createdAt} />
      </td>
      <td>
        {token.lastUsedAt ? <Time iso={token.lastUsedAt} /> : <span className="muted">never</span>}
      </td>
      <td>
        {token.expiresAt ? <Time iso={token.expiresAt} /> : <span className="muted">never</span>}
        {expired && <span className="status status-failed"> (expired)</span>}
      </td>
      <td>
        <button type="button" onClick={confirmRevoke} disabled={revoke.isPending}>
          Revoke<span className="visually-hidden"> {token.name}</span>
        </button>
        {revoke.isError && <span role="alert"> {revoke.error.message}</span>}
      </td>
    </tr>
  );
}

function TokenList() {
  const tokens = useQuery({
    queryKey: TOKENS_KEY,
    queryFn: () => api<{ items: Token[] }>('GET', '/tokens'),
  });
  if (tokens.isPending) return <p className="loading">Loading tokens…</p>;
  if (tokens.isError) return <p role="alert">{tokens.error.message}</p>;
  if (tokens.data.items.length === 0) return <p className="muted">You have no tokens.</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">Your tokens; times in {browserZone}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="optional">
              Starts with
            </th>
            <th scope="col" className="optional">
              Created ({browserZone})
            </th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.data.items.map((token) => (
            <TokenRow key={token.id} token={token} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The user's personal API tokens: create one (its secret shown once), list them, revoke. */
export function TokensPage() {
  const [created, setCreated] = useState<{ secret: string; name: string } | null>(null);
  return (
    <section>
      <h1>API tokens</h1>
      <p className="muted">
        A token lets a script use the API as you: send it as <code>Authorization: Bearer …</code>.
      </p>
      {created ? (
        <NewSecret secret={created.secret} name={created.name} onDone={() => setCreated(null)} />
      ) : (
        <CreateTokenForm onCreated={(secret, name) => setCreated({ secret, name })} />
      )}
      <h2>Your tokens</h2>
      <TokenList />
    </section>
  );
}
