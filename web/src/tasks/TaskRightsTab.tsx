import { useMe } from '../auth.tsx';
import type { Task } from '../types.ts';
import { TaskTransferForm } from './TaskTransferForm.tsx';

/** Who owns the task and who else may manage it; administrators can give it to someone else. */
export function TaskRightsTab({
  task,
  onTransferred,
}: {
  task: Task | null;
  onTransferred: (task: Task) => void;
}) {
  const me = useMe();
  const owner = task ? task.ownerLogin : me.login;
  return (
    <>
      <p>
        Owner: <strong>{owner}</strong>
        {!task || task.ownerId === me.id ? ' (you)' : null}
      </p>
      <p className="muted">
        The task runs with its owner's rights, checked each time it runs: a job or action whose
        permission the owner lacks fails.
      </p>
      {me.can.administerTasks ? (
        <p>
          Besides the owner, holders of the permission <code>taskplanner.admin</code> (such as you)
          may see, change, run and delete it.
        </p>
      ) : (
        <p>Only you and administrators can see and change it.</p>
      )}
      {me.can.administerTasks && task ? (
        <TaskTransferForm task={task} onTransferred={onTransferred} />
      ) : null}
    </>
  );
}
