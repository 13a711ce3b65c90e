import type { Task } from '../types.ts';
import { GrantListView } from './GrantListView.tsx';
import { TaskGrantsEditor } from './TaskGrantsEditor.tsx';
import { sharedSentence } from './task-rights.ts';
import type { TaskGrantsDraft } from './useTaskGrantsDraft.ts';

/**
 * A stored task's rights list: to change for those who may manage it, to read for everyone
 * else who sees the task, with who shared it and how far.
 */
export function TaskGrantsSection({ task, grants }: { task: Task; grants: TaskGrantsDraft }) {
  const { stored, editable, draft } = grants;
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
      {stored.isPending ? <p className="loading">Loading the rights list…</p> : null}
      {stored.isError ? (
        <p role="alert">The rights list cannot be loaded: {stored.error.message}</p>
      ) : null}
      {draft && editable ? <TaskGrantsEditor task={task} draft={draft} grants={grants} /> : null}
      {stored.data && !editable ? (
        <>
          <GrantListView grants={stored.data} />
          <p className="muted">
            Only its owner, administrators and those who may manage it can change the list.
          </p>
        </>
      ) : null}
    </section>
  );
}
