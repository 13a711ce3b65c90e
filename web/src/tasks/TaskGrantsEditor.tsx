import { ApiError } from '../api.ts';
import type { NamedGrant, Task } from '../types.ts';
import { GrantListEditor } from './GrantListEditor.tsx';
import type { TaskGrantsDraft } from './useTaskGrantsDraft.ts';

/** The id of the message saying the list was not saved, for the focus to go to. */
export const RIGHTS_PROBLEM_ID = 'rights-list-problem';

/** Why a save failed, for the whole list; the entries the API named show their own message. */
function problemOf(error: unknown, count: number): string | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return 'The server cannot be reached.';
  const marked = Array.from({ length: count }, (_, index) => error.issueAt(`/grants/${index}`));
  return marked.some(Boolean) ? 'Please correct the marked entries.' : error.message;
}

/**
 * The task's rights list to change (owner, administrators, manage level). "Save rights" saves
 * it alone; the editor's main Save saves it too.
 */
export function TaskGrantsEditor({
  task,
  draft,
  grants,
}: {
  task: Task;
  draft: NamedGrant[];
  grants: TaskGrantsDraft;
}) {
  const { error, saving } = grants;
  const errorAt = (index: number) =>
    error instanceof ApiError ? error.issueAt(`/grants/${index}`) : undefined;
  const problem = problemOf(error, draft.length);

  return (
    <>
      <GrantListEditor
        grants={draft}
        onChange={grants.change}
        errorAt={errorAt}
        excludeKeys={[`user:${task.ownerId}`]}
        emptyText="Nobody else has rights on it yet."
      />
      {problem ? (
        <p role="alert" className="field-error" id={RIGHTS_PROBLEM_ID} tabIndex={-1}>
          The rights list was not saved. {problem}
        </p>
      ) : null}
      <div className="actions grant-actions">
        <button
          type="button"
          className="primary"
          aria-disabled={saving}
          onClick={() => void grants.save()}
        >
          {saving ? 'Saving the rights…' : 'Save rights'}
        </button>
        <span className="muted">
          {grants.dirty ? 'Unsaved changes to the rights list (Save saves them too)' : ''}
        </span>
        <span role="status">{grants.notice}</span>
      </div>
    </>
  );
}
