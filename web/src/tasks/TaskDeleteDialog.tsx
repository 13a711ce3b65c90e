import { useEffect, useRef } from 'react';
import type { Task } from '../types.ts';

/** Asks before deleting a task; a modal dialog (Escape cancels, the focus returns after). */
export function TaskDeleteDialog(props: {
  task: Task | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (task: Task) => void;
}) {
  const { task, busy, onCancel, onConfirm } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (task && !element.open) element.showModal();
    if (!task && element.open) element.close();
  }, [task]);
  return (
    <dialog
      ref={dialog}
      className="task-dialog"
      aria-labelledby="delete-task-title"
      onClose={onCancel}
    >
      {task ? (
        <>
          <h2 id="delete-task-title">Delete “{task.name}”?</h2>
          <p>Its run history and files go with it. This cannot be undone.</p>
          <div className="dialog-buttons">
            <button type="button" autoFocus onClick={onCancel}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => onConfirm(task)}
            >
              Delete
            </button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
