import { useState, type FormEvent } from 'react';
import { TextField } from '../components/TextField.tsx';
import type { Limits } from './admin-types.ts';
import { fieldError, formError } from './form-errors.ts';
import { useSaveSettings } from './use-settings.ts';

const MIB = 1024 * 1024;

/** One limit as the form shows it: its label, help, and how the typed text maps to the value. */
interface LimitField {
  key: keyof Limits;
  label: string;
  help: string;
  /** The stored value per unit the field is typed in (MiB for bytes). */
  unit: number;
}

const FIELDS: readonly LimitField[] = [
  {
    key: 'tasksPerUser',
    label: 'Tasks per user',
    help: 'The most tasks one user may own; copies, imports and tasks given to them count.',
    unit: 1,
  },
  {
    key: 'minimumIntervalSeconds',
    label: 'Minimum interval (seconds)',
    help: 'A schedule firing more often than this is refused when its task is saved.',
    unit: 1,
  },
  {
    key: 'runsPerMinutePerUser',
    label: 'Runs per minute per user',
    help: 'Runs started by hand, the API, hook URLs, events and other tasks; schedules are bounded by the interval.',
    unit: 1,
  },
  {
    key: 'artifactBytesPerUser',
    label: 'Stored files per user (MiB)',
    help: 'Run files kept for download; past it, a file still reaches the actions, and the run log says it was not kept.',
    unit: MIB,
  },
];

type Draft = Record<keyof Limits, string>;

/** The limits as text to edit: empty for no limit. */
function draftOf(limits: Limits): Draft {
  const text = (field: LimitField) => {
    const value = limits[field.key];
    return value === null ? '' : String(value / field.unit);
  };
  return Object.fromEntries(FIELDS.map((field) => [field.key, text(field)])) as Draft;
}

/** The typed text as a limit: empty is none; what is no number goes as typed, for the server to name. */
function limitOf(text: string, unit: number): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? Math.round(value * unit) : trimmed;
}

/**
 * What one user may put on the server: tasks, how often a schedule fires, runs per minute,
 * stored files. An empty field means no limit; holders of taskplanner.admin are bound only by
 * the stored files.
 */
export function LimitsForm({ limits }: { limits: Limits }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState<Draft>(() => draftOf(limits));
  const [saved, setSaved] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    const patch = Object.fromEntries(
      FIELDS.map((field) => [field.key, limitOf(draft[field.key], field.unit)]),
    );
    save.mutate(
      { limits: patch },
      {
        onSuccess: (settings) => {
          setDraft(draftOf(settings.limits));
          setSaved('The limits are saved.');
        },
      },
    );
  };
  const problem = formError(
    save.error,
    FIELDS.map((field) => `/limits/${field.key}`),
  );
  return (
    <form className="card" onSubmit={submit} aria-labelledby="limits-heading">
      <h2 id="limits-heading">Limits per user</h2>
      <p className="muted">
        What one user may put on the server. Leave a field empty for no limit. Administrators of all
        tasks are bound only by the stored files.
      </p>
      <div className="form-grid">
        {FIELDS.map((field) => (
          <TextField
            key={field.key}
            label={field.label}
            inputMode="decimal"
            value={draft[field.key]}
            onChange={(value) => setDraft((current) => ({ ...current, [field.key]: value }))}
            error={fieldError(save.error, `/limits/${field.key}`)}
            help={field.help}
            placeholder="No limit"
          />
        ))}
      </div>
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save limits
        </button>
      </div>
    </form>
  );
}
