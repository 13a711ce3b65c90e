import type { Task } from '../types.ts';
import { useTaskGrants } from './grant-queries.ts';
import { GrantListView } from './GrantListView.tsx';
import { TaskGrantsEditor } from './TaskGrantsEditor.tsx';
import { allows, sharedSentence } from './task-rights.ts';

/**
 * A stored task's rights list: to change for those who may manage it, to read for everyone
 * else who sees the task, with who shared it and how far.
 */
export function TaskGrantsSection({ task }: { task: Task }) {
  const grants = useTaskGrants(task.id);
  const editable = allows(task.access, 'manage');
  const sentence = sharedSentence(task);
  return (
    <section aria-labelledby="rights-list-heading" className="grant-section">
      <h2 id="rights-list-heading">Rights list</h2>
      {sentence ? (
        <p>
          <strong>{sentence}</strong>
        </p>
      ) : null}
      <p className="muted">
        Besides the owner, the people and groups listed here may use the task, each up to their
        level. It still runs as its owner, whoever starts it.
      </p>
      {grants.isPending ? <p className="loading">Loading the rights list…</p> : null}
      {grants.isError ? (
        <p role="alert">The rights list cannot be loaded: {grants.error.message}</p>
      ) : null}
      {grants.data && editable ? <TaskGrantsEditor task={task} initial={grants.data} /> : null}
      {grants.data && !editable ? (
        <>
          <GrantListView grants={grants.data} />
          <p className="muted">
            Only its owner, administrators and those who may manage it can change the list.
          </p>
        </>
      ) : null}
    </section>
  );
}
