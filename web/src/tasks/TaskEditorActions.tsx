import { useState } from 'react';
import { navigate } from '../router.tsx';
import type { Task } from '../types.ts';
import { TaskActionNotice } from './TaskActionNotice.tsx';
import { TaskDeleteDialog } from './TaskDeleteDialog.tsx';
import { RunWithParametersDialog } from './RunWithParametersDialog.tsx';
import { TaskExportButton } from './TaskExportButton.tsx';
import { leaveNotice, TASK_LIST_NOTICE } from './task-notice.ts';
import { allows } from './task-rights.ts';
import { useTaskRowActions } from './useTaskRowActions.ts';

/** After deleting the task, the editor has nothing to show: back to the list, which says so. */
function leaveForList(task: Task) {
  leaveNotice(TASK_LIST_NOTICE, `Deleted “${task.name}”.`);
  navigate('/tasks');
}

/**
 * The stored task's actions in the editor's header, as the list's rows have them: Run now and
 * Run with parameters at run, Copy and Export (a .json file) at any access, Delete at manage;
 * each reports below them.
 */
export function TaskEditorActions({ task }: { task: Task }) {
  const actions = useTaskRowActions({ onDeleted: leaveForList });
  const [askParameters, setAskParameters] = useState<Task | null>(null);
  const busy = actions.busy.has(task.id);
  // aria-disabled rather than disabled while busy: a disabled button would drop the focus.
  const when = (action: (task: Task) => void) => () => !busy && action(task);
  return (
    <>
      <div className="row-actions editor-actions">
        {allows(task.access, 'run') ? (
          <>
            <button type="button" aria-disabled={busy} onClick={when(actions.run)}>
              Run now
            </button>
            <button type="button" aria-disabled={busy} onClick={when(setAskParameters)}>
              Run with parameters…
            </button>
          </>
        ) : null}
        <button type="button" aria-disabled={busy} onClick={when(actions.copy)}>
          Copy
        </button>
        <TaskExportButton task={task} />
        {allows(task.access, 'manage') ? (
          <button
            type="button"
            aria-disabled={busy}
            className="danger"
            onClick={when(actions.askDelete)}
          >
            Delete
          </button>
        ) : null}
      </div>
      <TaskActionNotice notice={actions.notice} />
      <RunWithParametersDialog
        task={askParameters}
        busy={busy}
        onCancel={() => setAskParameters(null)}
        onRun={(target, parameters) => {
          setAskParameters(null);
          actions.run(target, parameters);
        }}
      />
      <TaskDeleteDialog
        task={actions.toDelete}
        busy={busy}
        onCancel={() => actions.askDelete(null)}
        onConfirm={actions.confirmDelete}
      />
    </>
  );
}
