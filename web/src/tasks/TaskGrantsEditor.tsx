import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api.ts';
import type { NamedGrant, Task } from '../types.ts';
import { grantsKey, saveTaskGrants } from './grant-queries.ts';
import { GrantListEditor } from './GrantListEditor.tsx';

/** The list as the API compares it: subjects and levels, names aside. */
const plain = (grants: readonly NamedGrant[]) =>
  JSON.stringify(grants.map(({ subject, level }) => [subject.type, subject.id, level]));

/** Why a save failed, for the whole list; the entries the API named show their own message. */
function problemOf(error: unknown, count: number): string | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return 'The server cannot be reached.';
  const marked = Array.from({ length: count }, (_, index) => error.issueAt(`/grants/${index}`));
  return marked.some(Boolean) ? 'Please correct the marked entries.' : error.message;
}

/**
 * The task's rights list to change (owner, administrators, manage level): saved on its own
 * with PUT /tasks/{id}/grants, apart from the task's other fields.
 */
export function TaskGrantsEditor({ task, initial }: { task: Task; initial: NamedGrant[] }) {
  const client = useQueryClient();
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [saving, setSaving] = useState(false);
  const dirty = plain(draft) !== plain(saved);

  const change = (grants: NamedGrant[]) => {
    // Entries added or removed move the indexes the API's messages point at.
    if (grants.length !== draft.length) setError(null);
    setDraft(grants);
    setNotice('');
  };
  const save = async () => {
    if (saving) return;
    setSaving(true);
    setNotice('');
    try {
      const stored = await saveTaskGrants(task.id, draft);
      client.setQueryData(grantsKey(task.id), stored);
      setSaved(stored);
      setDraft(stored);
      setError(null);
      setNotice('The rights list is saved.');
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };
  const errorAt = (index: number) =>
    error instanceof ApiError ? error.issueAt(`/grants/${index}`) : undefined;
  const problem = problemOf(error, draft.length);

  return (
    <>
      <GrantListEditor
        grants={draft}
        onChange={change}
        errorAt={errorAt}
        excludeKeys={[`user:${task.ownerId}`]}
        emptyText="Nobody else has rights on it yet."
      />
      {problem ? (
        <p role="alert" className="field-error">
          The rights list was not saved. {problem}
        </p>
      ) : null}
      <div className="actions grant-actions">
        <button
          type="button"
          className="primary"
          aria-disabled={saving}
          onClick={() => void save()}
        >
          {saving ? 'Saving the rights…' : 'Save rights'}
        </button>
        <span className="muted">{dirty ? 'Unsaved changes to the rights list' : ''}</span>
        <span role="status">{notice}</span>
      </div>
    </>
  );
}
