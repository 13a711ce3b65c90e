import type { Task } from '../types.ts';
import { browserZone } from './format.ts';
import { TaskRow, type TaskRowActions } from './TaskRow.tsx';
import type { TaskSelection } from './useTaskSelection.ts';

/** The tasks of one page, each with a box to tick it for export. */
export function TaskTable(props: {
  tasks: Task[];
  showOwner: boolean;
  busy: ReadonlySet<string>;
  actions: TaskRowActions;
  selection: TaskSelection;
}) {
  const { tasks, showOwner, busy, actions, selection } = props;
  const allTicked = tasks.length > 0 && tasks.every((task) => selection.selected.has(task.id));
  return (
    <div className="table-scroll">
      <table className="task-table">
        <caption className="visually-hidden">Tasks; times in {browserZone}</caption>
        <thead>
          <tr>
            <th scope="col" className="select-cell">
              <input
                type="checkbox"
                checked={allTicked}
                aria-label="Select every task of this page"
                onChange={(event) =>
                  selection.select(
                    tasks.map((task) => task.id),
                    event.target.checked,
                  )
                }
              />
            </th>
            <th scope="col">On</th>
            <th scope="col">Name</th>
            {showOwner ? <th scope="col">Owner</th> : null}
            <th scope="col" className="optional">
              Starts
            </th>
            <th scope="col">Last run</th>
            <th scope="col" className="optional">
              Next run <span className="muted">({browserZone})</span>
            </th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <TaskRow
              key={task.id}
              task={task}
              showOwner={showOwner}
              busy={busy.has(task.id)}
              actions={actions}
              selected={selection.selected.has(task.id)}
              onSelect={(each, on) => selection.select([each.id], on)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
