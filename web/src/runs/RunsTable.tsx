import { Link } from '../router.tsx';
import { browserZone, formatDuration } from './format.ts';
import { itemSummary } from './item-summary.ts';
import { RunReason } from './RunReason.tsx';
import { words, type RunView } from './run-types.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { Time } from './Time.tsx';

function RunRow({ run, showTask }: { run: RunView; showTask: boolean }) {
  return (
    <tr>
      <td>
        <Link href={`/runs/${run.id}`}>
          {run.startedAt ? (
            <Time iso={run.startedAt} />
          ) : (
            <>
              Queued <Time iso={run.queuedAt} />
            </>
          )}
        </Link>
      </td>
      <td>
        <StatusBadge status={run.status} />
      </td>
      {showTask && (
        <td>
          <Link href={`/tasks/${run.taskId}`}>{run.taskName}</Link>
        </td>
      )}
      <td className="optional">{words(run.cause)}</td>
      <td className="optional">
        <Time iso={run.scheduledFor} />
        {run.occurrences > 1 && (
          <span title={`This record stands for ${run.occurrences} occurrences from this time`}>
            {' '}
            (+{run.occurrences - 1})
          </span>
        )}
      </td>
      <td>{formatDuration(run.durationMs)}</td>
      <td className="optional">{itemSummary(run.items)}</td>
      <td className="optional wrap reason">
        <RunReason code={run.reasonCode} detail={run.reason} />
      </td>
    </tr>
  );
}

/** A page of runs: each links to its run page and (in the overall history) to its task. */
export function RunsTable({ runs, showTask }: { runs: RunView[]; showTask: boolean }) {
  return (
    <div className="table-scroll">
      <table className="runs-table">
        <caption className="visually-hidden">Runs, newest first; times in {browserZone}</caption>
        <thead>
          <tr>
            <th scope="col">Started ({browserZone})</th>
            <th scope="col">Status</th>
            {showTask && <th scope="col">Task</th>}
            <th scope="col" className="optional">
              Cause
            </th>
            <th scope="col" className="optional">
              Scheduled for
            </th>
            <th scope="col">Duration</th>
            <th scope="col" className="optional">
              Outcome
            </th>
            <th scope="col" className="optional">
              Reason
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <RunRow key={run.id} run={run} showTask={showTask} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
