import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api.ts';
import { Link } from '../router.tsx';
import { CancelRunButton } from '../runs/CancelRunButton.tsx';
import { RunFacts } from '../runs/RunFacts.tsx';
import { RunLog } from '../runs/RunLog.tsx';
import { RunOutcomes } from '../runs/RunOutcomes.tsx';
import { RunParameters } from '../runs/RunParameters.tsx';
import { RunResults } from '../runs/RunResults.tsx';
import { RunMessages } from '../mail/RunMessages.tsx';
import { isActive } from '../runs/run-types.ts';
import { runKey, useRun } from '../runs/use-run.ts';
import '../runs/runs.css';

/** One run: what it is, how each item and component fared, its files, and its live log. */
export function RunPage({ runId }: { runId: string }) {
  const client = useQueryClient();
  const run = useRun(runId);
  // The log's end is the moment the final status and outcomes are there to show.
  const onLogEnd = () => {
    void client.invalidateQueries({ queryKey: runKey(runId) });
    void client.invalidateQueries({ queryKey: ['runs'] });
  };
  if (run.isPending) return <p className="loading">Loading the run…</p>;
  if (run.isError) {
    const missing = run.error instanceof ApiError && run.error.status === 404;
    return (
      <section>
        <h1>Run</h1>
        <p role="alert">
          {missing ? 'There is no such run (it may have been cleaned up).' : run.error.message}
        </p>
        <Link href="/runs">All runs</Link>
      </section>
    );
  }
  const data = run.data;
  return (
    <section>
      <div className="run-header">
        <h1>
          Run of <Link href={`/tasks/${encodeURIComponent(data.taskId)}`}>{data.taskName}</Link>
        </h1>
        {isActive(data.status) && <CancelRunButton run={data} />}
      </div>
      <p>
        <Link href={`/tasks/${encodeURIComponent(data.taskId)}/runs`}>Runs of this task</Link> ·{' '}
        <Link href="/runs">All runs</Link>
      </p>
      <RunFacts run={data} />
      <RunParameters parameters={data.parameters} />
      <RunOutcomes items={data.items} />
      <RunResults runId={data.id} results={data.results} />
      <RunMessages runId={data.id} />
      <RunLog runId={data.id} onEnd={onLogEnd} />
    </section>
  );
}
