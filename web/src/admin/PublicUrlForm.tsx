import { useState, type FormEvent } from 'react';
import { TextField } from '../components/TextField.tsx';
import { fieldError, formError } from './form-errors.ts';
import { useSaveSettings } from './use-settings.ts';

/**
 * The server's address as people reach it (behind a proxy, say), which the server cannot know
 * by itself: links in notices and the {run.url} placeholder start with it.
 */
export function PublicUrlForm({ publicUrl }: { publicUrl: string | null }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState(publicUrl ?? '');
  const [saved, setSaved] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    const trimmed = draft.trim();
    save.mutate(
      { publicUrl: trimmed === '' ? null : trimmed },
      {
        onSuccess: (settings) => {
          setDraft(settings.publicUrl ?? '');
          setSaved('The server address is saved.');
        },
      },
    );
  };
  const problem = formError(save.error, ['/publicUrl']);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="public-url-heading" noValidate>
      <h2 id="public-url-heading">Server address</h2>
      <p className="muted">
        The address people open this planner at, as their browsers see it (behind a proxy too).
        Links to runs in failure notices and the {'{run.url}'} placeholder start with it; left
        empty, they are only a path such as /runs/…, which a mail reader cannot open.
      </p>
      <TextField
        label="Server address"
        type="url"
        spellCheck={false}
        placeholder="https://planner.example.com"
        value={draft}
        onChange={setDraft}
        error={fieldError(save.error, '/publicUrl')}
        help="http:// or https://, with a path if the planner has one, without ? or #."
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save address
        </button>
      </div>
    </form>
  );
}
