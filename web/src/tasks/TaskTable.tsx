import type { Task } from '../types.ts';
import { browserZone } from './format.ts';
import { TaskRow, type TaskRowActions } from './TaskRow.tsx';

/** The tasks of one page. */
export function TaskTable(props: {
  tasks: Task[];
  showOwner: boolean;
  busy: ReadonlySet<string>;
  actions: TaskRowActions;
}) {
  const { tasks, showOwner, busy, actions } = props;
  return (
    <div className="table-scroll">
      <table className="task-table">
        <caption className="visually-hidden">Tasks; times in {browserZone}</caption>
        <thead>
          <tr>
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
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
