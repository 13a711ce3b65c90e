import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api.ts';
import type { Task } from '../types.ts';
import { copyTask, deleteTask, refreshTasks, runTaskNow, setTaskEnabled } from './task-queries.ts';

/** What the last action on the list did, shown above it (and read out). */
export interface TaskNotice {
  text: string;
  error: boolean;
  link?: { href: string; label: string };
  /** Take the focus: the row whose control had it is gone. */
  focus?: boolean;
}

/**
 * The actions on a task, of the list's rows and the editor's header: switch, run, copy, delete;
 * each reports in a notice, which may start with one left by another page. onDeleted, if given,
 * follows a deletion (the editor leaves).
 */
export function useTaskRowActions({
  initialNotice = null,
  onDeleted,
}: { initialNotice?: TaskNotice | null; onDeleted?: (task: Task) => void } = {}) {
  const client = useQueryClient();
  const [notice, setNotice] = useState(initialNotice);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [toDelete, setToDelete] = useState<Task | null>(null);

  /** Runs one action on a task, marking the row busy and turning failures into a notice. */
  const act = async (task: Task, work: () => Promise<TaskNotice>) => {
    setBusy((current) => new Set(current).add(task.id));
    let result: TaskNotice;
    try {
      result = await work();
    } catch (caught) {
      const message = caught instanceof ApiError ? caught.message : String(caught);
      result = { text: `“${task.name}”: ${message}`, error: true };
    }
    // The list shows the change before the notice announces it.
    await refreshTasks(client);
    setBusy((current) => new Set([...current].filter((id) => id !== task.id)));
    setNotice(result);
  };

  const toggle = (task: Task) =>
    void act(task, async () => {
      const changed = await setTaskEnabled(task.id, !task.enabled);
      return {
        text: `“${changed.name}” is ${changed.enabled ? 'enabled' : 'disabled'}.`,
        error: false,
      };
    });
  const run = (task: Task, parameters: Record<string, string> = {}) =>
    void act(task, async () => {
      const runId = await runTaskNow(task.id, parameters);
      await client.invalidateQueries({ queryKey: ['runs'] });
      return {
        text: `“${task.name}” started.`,
        error: false,
        link: { href: `/runs/${encodeURIComponent(runId)}`, label: 'Follow the run' },
      };
    });
  const copy = (task: Task) =>
    void act(task, async () => {
      const copied = await copyTask(task.id);
      return {
        text: `Copied “${task.name}” as “${copied.name}”.`,
        error: false,
        link: { href: `/tasks/${encodeURIComponent(copied.id)}`, label: 'Edit the copy' },
      };
    });
  const confirmDelete = (task: Task) =>
    void act(task, async () => {
      try {
        await deleteTask(task.id);
      } finally {
        setToDelete(null);
      }
      onDeleted?.(task);
      return { text: `Deleted “${task.name}”.`, error: false, focus: true };
    });

  return { notice, busy, toggle, run, copy, toDelete, askDelete: setToDelete, confirmDelete };
}
