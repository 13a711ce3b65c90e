import { forwardRef } from 'react';
import { ApiError } from '../api.ts';
import { tabOf } from './task-issues.ts';
import { TestRunRefusal } from './test-run.ts';

/**
 * Why a save (or a test run) was refused: the API's message and each field it named, with a way
 * to get there.
 */
export const TaskErrorSummary = forwardRef<
  HTMLDivElement,
  { error: Error | null; onGoTo: (path: string) => void; onReload: () => void }
>(function TaskErrorSummary({ error, onGoTo, onReload }, ref) {
  if (!error) return null;
  const issues = error instanceof ApiError ? error.issues : [];
  const conflict = error instanceof ApiError && error.code === 'REVISION_CONFLICT';
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="card error-summary">
      <p>
        <strong>
          {error instanceof TestRunRefusal ? 'The test run did not start.' : 'Not saved.'}
        </strong>{' '}
        {conflict
          ? 'Someone changed this task since you opened it.'
          : issues.length > 0
            ? 'Please correct these fields:'
            : error.message}
      </p>
      {conflict ? (
        <button type="button" onClick={onReload}>
          Load their version (your changes are lost)
        </button>
      ) : null}
      {issues.length > 0 ? (
        <ul>
          {issues.map((issue, index) => (
            <li key={index}>
              {tabOf(issue.path) ? (
                <button type="button" className="link-button" onClick={() => onGoTo(issue.path)}>
                  {issue.path}
                </button>
              ) : (
                <code>{issue.path}</code>
              )}
              : {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});
