import { useMe } from '../auth.tsx';
import type { Task } from '../types.ts';
import { TaskGrantsSection } from './TaskGrantsSection.tsx';
import { TaskTransferForm } from './TaskTransferForm.tsx';
import type { TaskGrantsDraft } from './useTaskGrantsDraft.ts';

/**
 * Who owns the task and who else may use it: its rights list (to change for those who may
 * manage it); administrators can also give it to someone else.
 */
export function TaskRightsTab({
  task,
  grants,
  onTransferred,
}: {
  task: Task | null;
  grants: TaskGrantsDraft;
  onTransferred: (task: Task) => void;
}) {
  const me = useMe();
  const ownerName = task ? task.ownerName : me.displayName;
  const ownerLogin = task ? task.ownerLogin : me.login;
  return (
    <>
      <p>
        Owner: <strong>{ownerName}</strong>
        {ownerLogin !== ownerName ? ` (${ownerLogin})` : null}
        {!task || task.ownerId === me.id ? ' — you' : null}
      </p>
      <p className="muted">
        The task runs with its owner's rights, checked each time it runs: a job or action whose
        permission the owner lacks fails. Besides the owner and those in its rights list, holders of
        the permission <code>taskplanner.admin</code>
        {me.can.administerTasks ? ' (such as you)' : ''} may see, change, run and delete it.
      </p>
      {task ? (
        <TaskGrantsSection task={task} grants={grants} />
      ) : (
        <section aria-labelledby="rights-list-heading" className="grant-section">
          <h2 id="rights-list-heading">Rights list</h2>
          <p>
            A new task starts with the rights list of new tasks, which administrators set on the
            Settings page. Once the task is saved, you can change its list here.
          </p>
        </section>
      )}
      {me.can.administerTasks && task ? (
        <TaskTransferForm task={task} onTransferred={onTransferred} />
      ) : null}
    </>
  );
}
