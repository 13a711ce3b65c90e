import { Link } from '../router.tsx';
import type { Task } from '../types.ts';
import { formatDateTime } from './format.ts';
import { allows, sharedMarker } from './task-rights.ts';

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
  selected,
  onSelect,
}: {
  task: Task;
  showOwner: boolean;
  busy: boolean;
  actions: TaskRowActions;
  /** Ticked for export. */
  selected: boolean;
  onSelect: (task: Task, selected: boolean) => void;
}) {
  const canEdit = allows(task.access, 'edit');
  return (
    <tr aria-busy={busy || undefined}>
      <td className="select-cell">
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Select ${task.name}`}
          onChange={(event) => onSelect(task, event.target.checked)}
        />
      </td>
      <td>
        <label className="task-switch">
          <input
            type="checkbox"
            role="switch"
            checked={task.enabled}
            disabled={!canEdit}
            title={canEdit ? undefined : 'Switching it needs the right to edit the task'}
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
        <SharedMarker task={task} />
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

/** Under a shared task's name: whose it is and how far the caller may go with it. */
function SharedMarker({ task }: { task: Task }) {
  const marker = sharedMarker(task);
  return marker ? <span className="shared-marker">{marker}</span> : null;
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

/**
 * The actions the caller's access allows: Run at run, Edit at edit (else View, read-only),
 * Delete at manage. aria-disabled rather than disabled while busy: a disabled button would drop
 * the keyboard focus.
 */
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
      {allows(task.access, 'run') ? (
        <button type="button" aria-disabled={busy} onClick={when(actions.run)}>
          Run now{hidden}
        </button>
      ) : null}
      <Link href={editorHref(task)}>
        {allows(task.access, 'edit') ? 'Edit' : 'View'}
        {hidden}
      </Link>
      <button type="button" aria-disabled={busy} onClick={when(actions.copy)}>
        Copy{hidden}
      </button>
      {allows(task.access, 'manage') ? (
        <button
          type="button"
          aria-disabled={busy}
          className="danger"
          onClick={when(actions.askDelete)}
        >
          Delete{hidden}
        </button>
      ) : null}
      <Link href={`/tasks/${encodeURIComponent(task.id)}/runs`}>History{hidden}</Link>
    </div>
  );
}
