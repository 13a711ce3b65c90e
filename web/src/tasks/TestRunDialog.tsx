import { useRef, useState } from 'react';
import { ApiError } from '../api.ts';
import { useModalDialog } from '../components/use-modal-dialog.ts';
import { formatBytes, formatDuration } from '../runs/format.ts';
import { RunOutcomes } from '../runs/RunOutcomes.tsx';
import { StatusBadge } from '../runs/StatusBadge.tsx';
import type { ComponentKind, Task } from '../types.ts';
import type { TaskDraft } from './task-draft.ts';
import {
  asDraftError,
  testRun,
  type DeliveryPreview,
  type TestRunRefusal,
  type TestRunReport,
} from './test-run.ts';

type Phase =
  | { name: 'ready' }
  | { name: 'running' }
  | { name: 'stopped' }
  | { name: 'done'; report: TestRunReport }
  | { name: 'failed'; message: string };

/**
 * Test run: runs the draft as it stands without saving it, as you, and shows how it went. A dry
 * run (the default) runs the jobs, but the actions only say what they would deliver. A refusal
 * of the draft goes to the editor, which points at the fields.
 */
export function TestRunDialog(props: {
  open: boolean;
  draft: TaskDraft;
  base: Task | null;
  kinds: readonly ComponentKind[];
  onClose: () => void;
  onInvalid: (error: TestRunRefusal) => void;
  /** It ran (whatever its outcome): a refusal shown before is out of date. */
  onRan: () => void;
}) {
  const { open, draft, base, kinds, onClose, onInvalid, onRan } = props;
  const [dryRun, setDryRun] = useState(true);
  const [phase, setPhase] = useState<Phase>({ name: 'ready' });
  const running = useRef<AbortController | null>(null);
  const dialog = useModalDialog(open, () => setPhase({ name: 'ready' }));

  const start = async () => {
    const controller = new AbortController();
    running.current = controller;
    setPhase({ name: 'running' });
    try {
      const report = await testRun(draft, base, dryRun, controller.signal);
      setPhase({ name: 'done', report });
      onRan();
    } catch (caught) {
      if (controller.signal.aborted) return setPhase({ name: 'stopped' });
      if (caught instanceof ApiError && caught.status === 400) {
        onInvalid(asDraftError(caught));
        return onClose();
      }
      setPhase({
        name: 'failed',
        message: caught instanceof Error ? caught.message : String(caught),
      });
    } finally {
      running.current = null;
    }
  };
  // The server cancels the run when its request goes: stopping, or closing, does that.
  const stop = () => running.current?.abort();
  const close = () => {
    stop();
    onClose();
  };
  const chooseDryRun = (checked: boolean) => {
    setDryRun(checked);
    // What the other kind of run did is no answer to this one.
    setPhase({ name: 'ready' });
  };

  return (
    <dialog
      ref={dialog}
      className="task-dialog test-run-dialog"
      aria-labelledby="test-run-title"
      onClose={close}
    >
      <h2 id="test-run-title">Test run of “{draft.name || 'the new task'}”</h2>
      <p className="muted">
        Runs the task as it is in the editor, unsaved, as you. Nothing is recorded in its history.
      </p>
      {base && base.access !== 'owner' ? (
        <p className="field-hint">
          It runs with your permissions and without {base.ownerName || base.ownerLogin}’s stored
          secrets (type them again to test them): its own runs use theirs, so they can differ.
        </p>
      ) : null}
      <label className="inline">
        <input
          type="checkbox"
          checked={dryRun}
          disabled={phase.name === 'running'}
          onChange={(event) => chooseDryRun(event.target.checked)}
        />{' '}
        Dry run: the jobs run, the actions only say what they would deliver
      </label>
      {dryRun ? null : (
        <p className="field-hint">
          The actions deliver for real: mail is sent, files are saved and uploaded.
        </p>
      )}
      <TestRunPhase phase={phase} kinds={kinds} />
      <div className="dialog-buttons">
        {phase.name === 'running' ? (
          <button type="button" onClick={stop}>
            Stop
          </button>
        ) : null}
        <button type="button" onClick={close}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={phase.name === 'running'}
          onClick={() => void start()}
        >
          {phase.name === 'ready' || phase.name === 'running' ? 'Run' : 'Run again'}
        </button>
      </div>
    </dialog>
  );
}

function TestRunPhase({ phase, kinds }: { phase: Phase; kinds: readonly ComponentKind[] }) {
  switch (phase.name) {
    case 'ready':
      return null;
    case 'running':
      return <p role="status">Running… (Stop cancels it)</p>;
    case 'stopped':
      return <p role="status">Stopped: the test run was canceled.</p>;
    case 'failed':
      return (
        <p role="alert" className="field-error">
          The test run did not start: {phase.message}
        </p>
      );
    case 'done':
      return <TestRunOutcome report={phase.report} kinds={kinds} />;
  }
}

function TestRunOutcome({
  report,
  kinds,
}: {
  report: TestRunReport;
  kinds: readonly ComponentKind[];
}) {
  return (
    <section aria-label="Outcome of the test run">
      <p role="status">
        <StatusBadge status={report.status} /> in {formatDuration(report.durationMs)}
        {report.reason ? <span className="wrap"> — {report.reason}</span> : null}
      </p>
      {report.dryRun ? <Deliveries deliveries={report.deliveries} kinds={kinds} /> : null}
      {report.results.length > 0 ? (
        <>
          <h3>Results</h3>
          <ul>
            {report.results.map((result, index) => (
              <li key={`${result.jobId}-${index}`}>
                {result.name} <span className="muted">({resultSize(result)})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <RunOutcomes items={report.items} />
      <details>
        <summary>Log</summary>
        <pre className="result-text">{report.log}</pre>
      </details>
    </section>
  );
}

function resultSize(result: TestRunReport['results'][number]): string {
  if (result.size !== undefined) return formatBytes(result.size);
  return `${result.type}, ${(result.text ?? JSON.stringify(result.value) ?? '').length} characters`;
}

/** What each action would have delivered: where, which files (and how big), what else. */
function Deliveries({
  deliveries,
  kinds,
}: {
  deliveries: DeliveryPreview[];
  kinds: readonly ComponentKind[];
}) {
  const titleOf = (kind: string) =>
    kinds.find((each) => each.category === 'action' && each.kind === kind)?.title ?? kind;
  if (deliveries.length === 0) return <p>No action would deliver anything.</p>;
  return (
    <>
      <h3>Would deliver</h3>
      <ul className="test-run-deliveries">
        {deliveries.map((delivery) => (
          <li key={`${delivery.itemIndex}-${delivery.actionId}`}>
            <strong>{titleOf(delivery.kind)}</strong> → {delivery.to.join(', ') || '—'}
            {delivery.files.length > 0 ? (
              <>
                :{' '}
                {delivery.files
                  .map((file) => `${file.name} (${formatBytes(file.bytes)})`)
                  .join(', ')}
              </>
            ) : null}
            {delivery.note ? <div className="muted">{delivery.note}</div> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
