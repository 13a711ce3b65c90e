import { CopyButton } from '../admin/CopyButton.tsx';
import type { Task } from '../types.ts';

/** The URLs of the saved task's HTTP triggers: calling one (GET or POST) starts the task. */
export function TaskHookUrls({ task }: { task: Task | null }) {
  if (!task || task.hooks.length === 0) return null;
  return (
    <section className="card" aria-labelledby="hook-urls">
      <h2 id="hook-urls">URLs that start this task</h2>
      <p className="muted">
        Anyone who has one of these URLs can start the task (while it is enabled); treat it like a
        password. Query and form parameters become placeholders.
      </p>
      <ul>
        {task.hooks.map(({ triggerId, path }) => {
          const url = `${window.location.origin}${path}`;
          return (
            <li key={triggerId}>
              <code className="wrap">{url}</code> <CopyButton text={url} label="Copy URL" />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
