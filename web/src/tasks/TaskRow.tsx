import { Link } from '../router.tsx';
import type { Task } from '../types.ts';
import { formatDateTime } from './format.ts';

/** What a row can do; the list page provides them. */
export interface TaskRowActions {
  toggle: (task: Task) => void;
  run: (task: Task) => void;
  copy: (task: Task) => void;
  askDelete: (task: Task) => void;
}

const editorHref = (task: Task) => `/tasks/${encodeURIComponent(task.id)}`;

/** One task in the list. */
export function TaskRow({
  task,
  showOwner,
  busy,
  actions,
}: {
  task: Task;
  showOwner: boolean;
  busy: boolean;
  actions: TaskRowActions;
}) {
  return (
    <tr aria-busy={busy || undefined}>
      <td>
        <label className="task-switch">
          <input
            type="checkbox"
            role="switch"
            checked={task.enabled}
            aria-disabled={busy}
            onChange={() => !busy && actions.toggle(task)}
          />
          <span className="visually-hidden">Enabled: {task.name}</span>
        </label>
      </td>
      <td>
        <Link href={editorHref(task)}>{task.name}</Link>
        {task.hidden ? (
          <span className="badge" title="Its schedule has ended">
            hidden
          </span>
        ) : null}
      </td>
      {showOwner ? <td>{task.ownerLogin}</td> : null}
      <td className="optional">{task.startsWhen}</td>
      <td>
        <LastRun task={task} />
      </td>
      <td className="optional">
        {task.enabled ? formatDateTime(task.nextRunAt) : <span className="muted">disabled</span>}
      </td>
      <td>
        <RowButtons task={task} busy={busy} actions={actions} />
      </td>
    </tr>
  );
}

function LastRun({ task }: { task: Task }) {
  const run = task.lastRun;
  if (!run) return <span className="muted">never</span>;
  const at = run.finishedAt ?? run.startedAt ?? run.queuedAt;
  return (
    <Link href={`/runs/${encodeURIComponent(run.id)}`} className="last-run">
      <span className={`status status-${run.status}`}>{run.status}</span>{' '}
      <time dateTime={at}>{formatDateTime(at)}</time>
    </Link>
  );
}

/** aria-disabled rather than disabled while busy: a disabled button would drop the keyboard focus. */
function RowButtons({
  task,
  busy,
  actions,
}: {
  task: Task;
  busy: boolean;
  actions: TaskRowActions;
}) {
  const hidden = <span className="visually-hidden"> {task.name}</span>;
  const when = (action: (task: Task) => void) => () => !busy && action(task);
  return (
    <div className="row-actions">
      <button type="button" aria-disabled={busy} onClick={when(actions.run)}>
        Run now{hidden}
      </button>
      <Link href={editorHref(task)}>Edit{hidden}</Link>
      <button type="button" aria-disabled={busy} onClick={when(actions.copy)}>
        Copy{hidden}
      </button>
      <button
        type="button"
        aria-disabled={busy}
        className="danger"
        onClick={when(actions.askDelete)}
      >
        Delete{hidden}
      </button>
      <Link href={`/tasks/${encodeURIComponent(task.id)}/runs`}>History{hidden}</Link>
    </div>
  );
}
