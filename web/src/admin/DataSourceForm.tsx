import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { DataSource, DataSourceKind } from './admin-types.ts';
import { CheckboxField } from '../components/CheckboxField.tsx';
import { fieldError, formError } from './form-errors.ts';
import { GroupCheckboxes } from './GroupCheckboxes.tsx';
import { TextField } from '../components/TextField.tsx';
import { DATA_SOURCES_KEY } from './use-data-sources.ts';
import { Field } from '../components/Field.tsx';
import { counted } from '../../../src/domain/counted.ts';

type Draft = Omit<DataSource, 'id' | 'updatedAt'>;

const EMPTY: Draft = {
  name: '',
  kind: 'postgres',
  location: '',
  password: '',
  access: { everyone: false, userIds: [], groupIds: [] },
};
const KINDS: Array<{ value: DataSourceKind; label: string; example: string }> = [
  {
    value: 'postgres',
    label: 'PostgreSQL',
    example: 'postgres://reporter@db.example.com:5432/sales',
  },
  {
    value: 'mysql',
    label: 'MySQL / MariaDB',
    example: 'mysql://reporter@db.example.com:3306/sales',
  },
  { value: 'sqlite', label: 'SQLite file', example: '/srv/data/sales.db' },
];
const PATHS = ['/name', '/kind', '/location', '/password', '/access'];

function KindField({
  value,
  onChange,
}: {
  value: DataSourceKind;
  onChange: (kind: DataSourceKind) => void;
}) {
  return (
    <Field label="Kind">
      {(control) => (
        <select
          {...control}
          value={value}
          onChange={(event) => onChange(event.target.value as DataSourceKind)}
        >
          {KINDS.map((kind) => (
            <option key={kind.value} value={kind.value}>
              {kind.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Adds a data source or changes one; a masked password sent back keeps the stored one. */
export function DataSourceForm({
  source,
  onDone,
}: {
  source: DataSource | null;
  onDone: () => void;
}) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(source ?? EMPTY);
  const set =
    <K extends keyof Draft>(field: K) =>
    (value: Draft[K]) =>
      setDraft((current) => ({ ...current, [field]: value }));
  const setAccess = (access: Partial<Draft['access']>) =>
    setDraft((current) => ({ ...current, access: { ...current.access, ...access } }));
  const save = useMutation({
    mutationFn: () => {
      // Only the fields the API takes: the loaded source also has its id and times.
      const { name, kind, location, password, access } = draft;
      const body = { name, kind, location, password, access };
      return source
        ? api('PATCH', `/data-sources/${encodeURIComponent(source.id)}`, body)
        : api('POST', '/data-sources', body);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: DATA_SOURCES_KEY });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const example = KINDS.find((kind) => kind.value === draft.kind)?.example;
  const problem = formError(save.error, PATHS);
  const headingId = source ? `source-${source.id}-heading` : 'new-source-heading';
  return (
    <form className="card" onSubmit={submit} aria-labelledby={headingId}>
      <h3 id={headingId}>{source ? `Edit ${source.name}` : 'New data source'}</h3>
      <div className="form-grid">
        <TextField
          label="Name"
          required
          maxLength={100}
          value={draft.name}
          onChange={set('name')}
          error={fieldError(save.error, '/name')}
          help="What tasks call it: letters, digits, space, _ . -"
        />
        <KindField value={draft.kind} onChange={set('kind')} />
        <TextField
          label={draft.kind === 'sqlite' ? 'File' : 'URL'}
          required
          value={draft.location}
          onChange={set('location')}
          error={fieldError(save.error, '/location')}
          help={`e.g. ${example ?? ''}${draft.kind === 'sqlite' ? '' : ' (the password goes below)'}`}
        />
        {draft.kind !== 'sqlite' && (
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            value={draft.password}
            onChange={set('password')}
            error={fieldError(save.error, '/password')}
            help={
              source ? 'Shown masked: leave it as it is to keep the stored password' : undefined
            }
          />
        )}
      </div>
      <CheckboxField
        label="Every user of the planner may query it"
        help="Administrators always may; otherwise only the groups below (users with job.sql)"
        checked={draft.access.everyone}
        onChange={(everyone) => setAccess({ everyone })}
      />
      {!draft.access.everyone && (
        <GroupCheckboxes
          legend="Groups that may query it"
          value={draft.access.groupIds}
          onChange={(groupIds) => setAccess({ groupIds })}
        />
      )}
      {draft.access.userIds.length > 0 && (
        <p className="muted">
          Also {counted(draft.access.userIds.length, 'user')} chosen through the API.
        </p>
      )}
      {problem && <p role="alert">{problem}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {source ? 'Save data source' : 'Add data source'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
