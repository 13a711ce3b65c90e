import { Link } from '../router.tsx';
import type { ImportResult } from './task-transfer.ts';

const taskHref = (id: string) => `/tasks/${encodeURIComponent(id)}`;

/** What an import made: the new tasks, linked, and each secret the file left out. */
export function ImportResultView({ result }: { result: ImportResult }) {
  const { tasks, missingSecrets } = result;
  return (
    <div className="import-result">
      <h2>Imported {tasks.length} task(s)</h2>
      <ul>
        {tasks.map((task) => (
          <li key={task.id}>
            <Link href={taskHref(task.id)}>{task.name}</Link>
            {task.enabled ? null : <span className="badge">disabled</span>}
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
