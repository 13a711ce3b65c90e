import { ApiError } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { query } from '../api.ts';
import { Pager } from '../runs/Pager.tsx';
import { RunFilters } from '../runs/RunFilters.tsx';
import { RunsTable } from '../runs/RunsTable.tsx';
import { apiParams, filtersFrom, type RunFilterValues } from '../runs/run-filters.ts';
import { useCursorPages } from '../runs/use-cursor-pages.ts';
import { useRuns } from '../runs/use-runs.ts';
import { useTaskName } from '../runs/use-task-name.ts';
import '../runs/runs.css';

function Heading({ taskId }: { taskId: string | null }) {
  const taskName = useTaskName(taskId);
  if (taskId === null) return <h1>Runs</h1>;
  return (
    <>
      <h1>Runs of {taskName ?? 'a task'}</h1>
      <p>
        <Link href={`/tasks/${encodeURIComponent(taskId)}`}>Edit the task</Link> ·{' '}
        <Link href="/runs">All runs</Link>
      </p>
    </>
  );
}

/** The run history, of one task or of every task the user can see; newest first, paged. */
export function RunsPage({ taskId }: { taskId: string | null }) {
  const { path, search } = useLocation();
  const filters = filtersFrom(search);
  const params = { taskId: taskId ?? undefined, ...apiParams(filters) };
  const pages = useCursorPages(JSON.stringify(params));
  const runs = useRuns({ ...params, cursor: pages.cursor });
  const setFilters = (next: RunFilterValues) =>
    navigate(`${path}${query({ ...next })}`, { replace: true });
  return (
    <section>
      <Heading taskId={taskId} />
      <RunFilters value={filters} onChange={setFilters} />
      {runs.isPending && <p className="loading">Loading runs…</p>}
      {runs.isError && (
        <p role="alert">
          {runs.error instanceof ApiError ? runs.error.message : 'The runs cannot be loaded.'}
        </p>
      )}
      {runs.data && runs.data.items.length === 0 && (
        <p className="muted">
          No runs{filters.status || filters.from || filters.to ? ' match these filters' : ' yet'}.
        </p>
      )}
      {runs.data && runs.data.items.length > 0 && (
        <RunsTable runs={runs.data.items} showTask={taskId === null} />
      )}
      <Pager
        label="Pages of runs"
        pageNumber={pages.pageNumber}
        nextCursor={runs.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </section>
  );
}
