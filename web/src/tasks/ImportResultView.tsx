import { counted } from '../../../src/domain/counted.ts';
import { Link } from '../router.tsx';
import type { ImportResult } from './task-transfer.ts';

const taskHref = (id: string) => `/tasks/${encodeURIComponent(id)}`;

type ImportedTask = ImportResult['tasks'][number];

/** Why a task's runs would fail as things are (its owner lacks a permission), under its name. */
function TaskWarnings({ task }: { task: ImportedTask }) {
  if (task.warnings.length === 0) return null;
  return (
    <ul>
      {task.warnings.map((warning) => (
        <li key={warning.message} className="warning">
          Will fail when it runs: {warning.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * What an import made: the new tasks, linked, each with what would make its runs fail, and
 * each secret the file left out.
 */
export function ImportResultView({ result }: { result: ImportResult }) {
  const { tasks, missingSecrets } = result;
  const warned = tasks.filter((task) => task.warnings.length > 0);
  return (
    <div className="import-result">
      <h2>Imported {counted(tasks.length, 'task')}</h2>
      {warned.length > 0 ? (
        <p className="warning" role="note">
          {warned.length === 1
            ? '1 task needs a permission its owner does not hold: its runs fail until the owner is given it, or the task is changed.'
            : `${warned.length} tasks need permissions their owner does not hold: their runs fail until the owner is given them, or the tasks are changed.`}
        </p>
      ) : null}
      <ul>
        {tasks.map((task) => (
          <li key={task.id}>
            <Link href={taskHref(task.id)}>{task.name}</Link>
            {task.enabled ? null : <span className="badge">disabled</span>}
            <TaskWarnings task={task} />
          </li>
        ))}
      </ul>
      {missingSecrets.length > 0 ? (
        <>
          <h2>Secrets to type again</h2>
          <p>
            The file carries no secrets. The tasks that need one arrived disabled: type each secret
            again in the task’s editor, then switch the task on.
          </p>
          <div className="table-scroll">
            <table className="missing-secrets">
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Component</th>
                  <th scope="col">Field</th>
                </tr>
              </thead>
              <tbody>
                {missingSecrets.map((missing) => (
                  <tr key={`${missing.task} ${missing.component} ${missing.field}`}>
                    <td>
                      <Link href={taskHref(missing.task)}>{missing.taskName}</Link>
                    </td>
                    <td>
                      {missing.category} {missing.component}{' '}
                      <span className="muted">({missing.kind})</span>
                    </td>
                    <td>
                      <code>{missing.field}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
