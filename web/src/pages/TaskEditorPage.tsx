import { ApiError } from '../api.ts';
import { Link } from '../router.tsx';
import { TaskEditorForm } from '../tasks/TaskEditorForm.tsx';
import { useComponentKinds, useTask } from '../tasks/task-queries.ts';
import '../tasks/tasks.css';

/** The task editor: /tasks/new for a new task, /tasks/:id for a stored one. */
export function TaskEditorPage({ taskId }: { taskId: string | null }) {
  const task = useTask(taskId);
  const kinds = useComponentKinds();
  if (task.isError) return <TaskLoadError error={task.error} />;
  if (kinds.isError) return <TaskLoadError error={kinds.error} />;
  // Waits for a fresh copy: a cached one may hold an old revision, which saving would refuse.
  const stale = taskId !== null && (!task.data || !task.isFetchedAfterMount);
  if (stale || !kinds.data) return <p className="loading">Loading…</p>;
  // A new key for each task: the editor starts over from the task it is given.
  return <TaskEditorForm key={taskId ?? 'new'} task={task.data ?? null} kinds={kinds.data} />;
}

function TaskLoadError({ error }: { error: Error }) {
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <section>
      <h1>{missing ? 'No such task' : 'The task cannot be loaded'}</h1>
      <p role="alert">{missing ? 'It was deleted, or you may not see it.' : error.message}</p>
      <p>
        <Link href="/tasks">Back to the tasks</Link>
      </p>
    </section>
  );
}
