import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { NamedGrant, Task } from '../types.ts';
import { grantsKey, saveTaskGrants, useTaskGrants } from './grant-queries.ts';
import { allows } from './task-rights.ts';

/** The list as the API compares it: subjects and levels, names aside. */
const plain = (grants: readonly NamedGrant[]) =>
  JSON.stringify(grants.map(({ subject, level }) => [subject.type, subject.id, level]));

/**
 * A stored task's rights list and the changes made to it, kept by the editor itself: so its
 * unsaved-changes status, its main Save and the warning on leaving count them too. Saved with
 * PUT /tasks/{id}/grants, apart from the task's other fields.
 */
export function useTaskGrantsDraft(task: Task | null) {
  const client = useQueryClient();
  const stored = useTaskGrants(task?.id ?? null);
  // Null until changed: the list follows what the server holds until then.
  const [edited, setEdited] = useState<NamedGrant[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [saving, setSaving] = useState(false);
  const editable = task !== null && allows(task.access, 'manage');
  const draft = edited ?? stored.data ?? null;
  const dirty = editable && edited !== null && plain(edited) !== plain(stored.data ?? []);

  const change = (grants: NamedGrant[]) => {
    // Entries added or removed move the indexes the API's messages point at.
    if (grants.length !== draft?.length) setError(null);
    setEdited(grants);
    setNotice('');
  };

  /** Saves the changed list; resolves to whether it worked (the error stays for the tab). */
  const save = async (): Promise<boolean> => {
    if (!task || !edited || saving) return false;
    setSaving(true);
    setNotice('');
    try {
      const saved = await saveTaskGrants(task.id, edited);
      client.setQueryData(grantsKey(task.id), saved);
      setEdited(null);
      setError(null);
      setNotice('The rights list is saved.');
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setSaving(false);
    }
  };

  return { stored, editable, draft, dirty, change, save, saving, error, notice };
}

/** The state and operations of a task's rights list in the editor. */
export type TaskGrantsDraft = ReturnType<typeof useTaskGrantsDraft>;
