import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { navigate } from '../router.tsx';
import type { Task } from '../types.ts';
import { draftOf, newDraft, type TaskDraft } from './task-draft.ts';
import { leaveNotice, takeNotice } from './task-notice.ts';
import { refreshTasks, saveTask } from './task-queries.ts';
import { TestRunRefusal } from './test-run.ts';

/** Starts a run of the task just created; the sentence the notice adds about it. */
async function startRun(taskId: string): Promise<string> {
  try {
    await api('POST', `/tasks/${encodeURIComponent(taskId)}/run`);
    return ' It runs once now: see its History.';
  } catch (caught) {
    const why = caught instanceof Error ? caught.message : String(caught);
    return ` Its run was not started: ${why}`;
  }
}

/** The editor's state: the draft, the task it started from, saving and its outcome. */
export function useTaskEditor(task: Task | null) {
  const client = useQueryClient();
  const [base, setBase] = useState(task);
  const [draft, setDraft] = useState<TaskDraft>(() => (task ? draftOf(task) : newDraft()));
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState(() => takeNotice(task?.id));
  const [saving, setSaving] = useState(false);
  /** A new task only: run it once as soon as it is created. */
  const [runAfterCreate, setRunAfterCreate] = useState(false);
  const saved = useMemo(() => (base ? draftOf(base) : newDraft()), [base]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);

  const change = (partial: Partial<TaskDraft>) => {
    setDraft((current) => ({ ...current, ...partial }));
    setNotice('');
  };
  const issueAt = (path: string) => (error instanceof ApiError ? error.issueAt(path) : undefined);

  /** Saves; resolves to whether it worked (errors are kept in the state for the form). */
  const save = async (): Promise<boolean> => {
    setSaving(true);
    setNotice('');
    try {
      const stored = await saveTask(draft, base);
      await refreshTasks(client, stored);
      setError(null);
      if (!base) {
        const started = runAfterCreate ? await startRun(stored.id) : '';
        leaveNotice(stored.id, `Created “${stored.name}”.${started}`);
        navigate(`/tasks/${encodeURIComponent(stored.id)}`, { replace: true });
        return true;
      }
      setBase(stored);
      setDraft(draftOf(stored));
      setNotice('Saved.');
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      return false;
    } finally {
      setSaving(false);
    }
  };

  /** Replaces the draft with the stored task (after a revision conflict). */
  const reload = async () => {
    if (!base) return;
    const latest = await api<Task>('GET', `/tasks/${encodeURIComponent(base.id)}`);
    await refreshTasks(client, latest);
    setBase(latest);
    setDraft(draftOf(latest));
    setError(null);
    setNotice('Loaded the latest version.');
  };

  /** Takes a transfer's answer: a new owner and revision, the draft untouched. */
  const transferred = (moved: Task) => {
    setBase(moved);
    void refreshTasks(client, moved);
  };

  /** Shows a test run's refusal of the draft, as a refused save is shown. */
  const showRefusal = (refusal: TestRunRefusal) => setError(refusal);
  /** A test run went: a test run's refusal shown before is out of date (a save's is not). */
  const clearRefusal = () =>
    setError((current) => (current instanceof TestRunRefusal ? null : current));

  return {
    ...{ base, draft, change, dirty, saving, save, error, issueAt, notice, reload, transferred },
    ...{ showRefusal, clearRefusal },
    ...{ runAfterCreate, setRunAfterCreate },
  };
}
