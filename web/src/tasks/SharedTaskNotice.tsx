import type { Task } from '../types.ts';
import { allows, sharedSentence } from './task-rights.ts';

/** Above the editor of a task shared with the caller: who shared it, how far, what follows. */
export function SharedTaskNotice({ task }: { task: Task | null }) {
  const sentence = task && sharedSentence(task);
  if (!task || !sentence) return null;
  const canEdit = allows(task.access, 'edit');
  return (
    <div className="card shared-notice" role="note" aria-label="Shared task">
      <p>
        <strong>{sentence}</strong>{' '}
        {canEdit
          ? 'Changing its triggers, jobs, actions or series needs the permissions they use.'
          : 'You can look at it, not change it: its fields are read-only.'}
      </p>
    </div>
  );
}
