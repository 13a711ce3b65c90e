import { useState } from 'react';
import { useMe } from '../auth.tsx';
import { Link } from '../router.tsx';
import { TaskDeleteDialog } from '../tasks/TaskDeleteDialog.tsx';
import { TaskListFilters } from '../tasks/TaskListFilters.tsx';
import { TaskPager } from '../tasks/TaskPager.tsx';
import { useTaskList } from '../tasks/task-queries.ts';
import { TaskTable } from '../tasks/TaskTable.tsx';
import { useTaskListState, type TaskScopeFilter } from '../tasks/useTaskListState.ts';
import { takeNotice, TASK_LIST_NOTICE } from '../tasks/task-notice.ts';
import { TaskActionNotice } from '../tasks/TaskActionNotice.tsx';
import { useTaskRowActions } from '../tasks/useTaskRowActions.ts';
import { TaskSelectionBar } from '../tasks/TaskSelectionBar.tsx';
import { useTaskSelection } from '../tasks/useTaskSelection.ts';
import '../tasks/tasks.css';
import '../tasks/task-transfer.css';

/** The task list: search and filters, one page at a time, and each task's actions. */
export function TasksPage() {
  const me = useMe();
  const isAdmin = me.can.administerTasks;
  const list = useTaskListState(isAdmin);
  const tasks = useTaskList(list.params);
  const [left] = useState(() => takeNotice(TASK_LIST_NOTICE));
  const actions = useTaskRowActions({ initialNotice: left ? { text: left, error: false } : null });
  const selection = useTaskSelection();
  const { q, enabled, scope, owner } = list.filters;
  const filtered = q !== '' || enabled !== '' || owner !== '';
  return (
    <section className="tasks-page" aria-busy={tasks.isFetching || undefined}>
      <div className="page-head">
        <h1>Tasks</h1>
        <div className="page-head-links">
          <Link href="/tasks/import" className="button">
            Import tasks
          </Link>
          <Link href="/tasks/new" className="button primary">
            New task
          </Link>
        </div>
      </div>
      <TaskListFilters filters={list.filters} onChange={list.setFilters} isAdmin={isAdmin} />
      <TaskActionNotice notice={actions.notice} />
      {tasks.isError ? <p role="alert">The tasks cannot be loaded: {tasks.error.message}</p> : null}
      {tasks.isPending ? <p className="loading">Loading…</p> : null}
      {tasks.data && tasks.data.items.length === 0 ? (
        <p className="muted">
          <EmptyListText filtered={filtered} scope={scope} />
        </p>
      ) : null}
      {tasks.data && tasks.data.items.length > 0 ? (
        <>
          <TaskSelectionBar selection={selection} />
          <TaskTable
            tasks={tasks.data.items}
            showOwner={isAdmin}
            busy={actions.busy}
            actions={actions}
            selection={selection}
          />
        </>
      ) : null}
      <TaskPager
        pageNumber={list.pageNumber}
        nextCursor={tasks.data?.nextCursor ?? null}
        onPrevious={list.previous}
        onNext={list.next}
      />
      <TaskDeleteDialog
        task={actions.toDelete}
        busy={actions.toDelete ? actions.busy.has(actions.toDelete.id) : false}
        onCancel={() => actions.askDelete(null)}
        onConfirm={actions.confirmDelete}
      />
    </section>
  );
}

/** What an empty list says: nothing matches, nothing is shared, or there are no tasks yet. */
function EmptyListText({ filtered, scope }: { filtered: boolean; scope: TaskScopeFilter }) {
  if (filtered) return 'No task matches.';
  if (scope === 'shared') return 'Nobody has shared a task with you.';
  return 'No tasks yet: create one with “New task”.';
}
