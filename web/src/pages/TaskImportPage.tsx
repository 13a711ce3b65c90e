import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { useMe } from '../auth.tsx';
import { Field } from '../components/Field.tsx';
import { TextField } from '../components/TextField.tsx';
import { Link } from '../router.tsx';
import { ImportResultView } from '../tasks/ImportResultView.tsx';
import { refreshTasks } from '../tasks/task-queries.ts';
import { importTasks, type ImportResult } from '../tasks/task-transfer.ts';
import '../tasks/tasks.css';
import '../tasks/task-transfer.css';

/** Why an import failed: the server's message and the fields it named. */
interface Failure {
  text: string;
  issues: ReadonlyArray<{ path: string; message: string }>;
}

/** The file's JSON, or a failure saying why it is none. */
async function readDocument(file: File): Promise<unknown> {
  try {
    return JSON.parse(await file.text()) as unknown;
  } catch (caught) {
    throw new Error(`${file.name} is not a JSON file: ${String(caught)}`);
  }
}

/**
 * /tasks/import: pick an export file (of this server or another), import its tasks as new
 * ones, all or none; shows the tasks made, what their owner lacks to run them, and the secrets
 * to type again.
 */
export function TaskImportPage() {
  const me = useMe();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [owner, setOwner] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setFailure({ text: 'Choose an export file (.json) first.', issues: [] });
      return;
    }
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      const made = await importTasks(await readDocument(file), owner);
      await refreshTasks(client);
      setResult(made);
    } catch (caught) {
      const issues = caught instanceof ApiError ? caught.issues : [];
      const text = caught instanceof Error ? caught.message : String(caught);
      setFailure({ text, issues });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="task-import">
      <div className="page-head">
        <h1>Import tasks</h1>
        <Link href="/tasks">Back to the tasks</Link>
      </div>
      <p>
        Takes a file that “Export” saved, here or on another server. Its tasks become new tasks of
        yours, all of them or, if one cannot be imported, none. Secrets are not in the file: the
        tasks that need them arrive disabled.
      </p>
      <form onSubmit={(event) => void submit(event)} aria-busy={busy || undefined}>
        <Field label="Export file" help="A .json file, at most a thousand tasks">
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".json,application/json"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        {me.can.administerTasks ? (
          <TextField
            label="For the user (login)"
            help="Empty: the tasks are yours. A task that needs a permission this user lacks is imported all the same, and named with what it lacks."
            value={owner}
            onChange={setOwner}
            autoComplete="off"
          />
        ) : null}
        <button type="submit" className="primary" aria-disabled={busy}>
          Import
        </button>
      </form>
      <div role="status">{busy ? <p>Importing…</p> : null}</div>
      {failure ? (
        <div role="alert" className="import-failure">
          <p>Nothing was imported: {failure.text}</p>
          {failure.issues.length > 1 ? (
            <ul>
              {failure.issues.map((issue) => (
                <li key={`${issue.path} ${issue.message}`}>
                  <code>{issue.path || '/'}</code>: {issue.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {result ? <ImportResultView result={result} /> : null}
    </section>
  );
}
