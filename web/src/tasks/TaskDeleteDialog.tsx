import { useModalDialog } from '../components/use-modal-dialog.ts';
import type { Task } from '../types.ts';

/** Asks before deleting a task; a modal dialog (Escape cancels, the focus returns after). */
export function TaskDeleteDialog(props: {
  task: Task | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (task: Task) => void;
}) {
  const { task, busy, onCancel, onConfirm } = props;
  const dialog = useModalDialog(task !== null);
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
