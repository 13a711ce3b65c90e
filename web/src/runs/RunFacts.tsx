import type { ReactNode } from 'react';
import { Link } from '../router.tsx';
import { formatDuration } from './format.ts';
import { itemSummary } from './item-summary.ts';
import { RunReason } from './RunReason.tsx';
import { words, type RunView } from './run-types.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { Time } from './Time.tsx';

function Fact({ term, children, wide }: { term: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'wide' : undefined}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** When a run started compared with when it was due. */
function lateness(lateMs: number | null): string {
  if (lateMs === null || Math.abs(lateMs) < 1000) return '';
  return lateMs > 0 ? ` (${formatDuration(lateMs)} late)` : ` (${formatDuration(-lateMs)} early)`;
}

/** The run this one follows (after-task, next-task), from the parameters the engine gave it. */
function Predecessor({ parameters }: { parameters: Record<string, string> }) {
  const runId = parameters['trigger.run.id'];
  if (!runId) return null;
  const status = parameters['trigger.run.status'];
  return (
    <Fact term="Follows">
      <Link href={`/runs/${encodeURIComponent(runId)}`}>
        the run of {parameters['trigger.task.name'] || 'another task'}
      </Link>
      {status ? ` (${words(status)})` : ''}
    </Fact>
  );
}

/** What a run is: status, why and when it ran, how long, why it ended so. */
export function RunFacts({ run }: { run: RunView }) {
  return (
    <dl className="run-facts">
      <Fact term="Status">
        <StatusBadge status={run.status} />
        {run.cancelRequested && run.status === 'running' && ' (cancel requested)'}
      </Fact>
      <Fact term="Cause">{words(run.cause)}</Fact>
      <Predecessor parameters={run.parameters} />
      <Fact term="Scheduled for">
        <Time iso={run.scheduledFor} zone />
        {run.occurrences > 1 &&
          ` (this record stands for ${run.occurrences} occurrences from then)`}
      </Fact>
      <Fact term="Queued">
        <Time iso={run.queuedAt} zone />
      </Fact>
      <Fact term="Started">
        <Time iso={run.startedAt} zone />
        {lateness(run.lateMs)}
      </Fact>
      <Fact term="Finished">
        <Time iso={run.finishedAt} zone />
      </Fact>
      <Fact term="Duration">{formatDuration(run.durationMs)}</Fact>
      <Fact term="Outcome">{itemSummary(run.items)}</Fact>
      {run.attempt > 1 && (
        <Fact term="Attempt">
          {run.attempt}
          {run.retryOf && (
            <>
              {' '}
              (retry of <Link href={`/runs/${run.retryOf}`}>the first attempt</Link>)
            </>
          )}
        </Fact>
      )}
      {run.node && <Fact term="Server">{run.node}</Fact>}
      {(run.reasonCode || run.reason) && (
        <Fact term="Reason" wide>
          <RunReason code={run.reasonCode} detail={run.reason} />
        </Fact>
      )}
    </dl>
  );
}
