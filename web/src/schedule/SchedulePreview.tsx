import { useId } from 'react';
import { browserZone, formatInstant } from './format-occurrence.ts';
import { issueLocation } from './issue-location.ts';
import type { PreviewFrom, PreviewState } from './use-schedule-preview.ts';

/** The next runs of the schedule being edited, in its zone and the browser's, and its description. */
export function SchedulePreview({
  preview,
  from,
  onFromChange,
}: {
  preview: PreviewState;
  from: PreviewFrom;
  onFromChange: (from: PreviewFrom) => void;
}) {
  const headingId = useId();
  const fromId = useId();
  return (
    <section className="schedule-preview" aria-labelledby={headingId} aria-busy={preview.updating}>
      <div className="preview-head">
        <h3 id={headingId}>Preview</h3>
        <label htmlFor={fromId} className="inline">
          Runs from
          <select
            id={fromId}
            value={from}
            onChange={(event) => onFromChange(event.target.value as PreviewFrom)}
          >
            <option value="now">now</option>
            <option value="start">the start</option>
          </select>
        </label>
        {preview.updating && <span className="muted">Updating…</span>}
      </div>
      <div aria-live="polite">
        <PreviewBody preview={preview} from={from} />
      </div>
    </section>
  );
}

function PreviewBody({ preview, from }: { preview: PreviewState; from: PreviewFrom }) {
  if (preview.failure) return <p className="field-error">The preview failed: {preview.failure}</p>;
  if (preview.issues.length > 0) {
    return (
      <div className="preview-issues">
        <p className="field-error">The schedule is not valid yet:</p>
        <ul>
          {preview.issues.map((issue) => (
            <li key={`${issue.path} ${issue.message}`} className="field-error">
              {issueLocation(issue.path)}: {issue.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (!preview.answer) return <p className="muted">Loading the preview…</p>;
  return <Occurrences {...preview.answer} from={from} />;
}

function Occurrences({
  occurrences,
  timezone,
  description,
  from,
}: {
  occurrences: string[];
  timezone: string;
  description: string;
  from: PreviewFrom;
}) {
  const local = browserZone();
  const sameZone = local === timezone;
  return (
    <>
      <p className="schedule-description">{description}</p>
      {occurrences.length === 0 ? (
        <p>No runs: the schedule has ended, or every run falls on an excluded date.</p>
      ) : (
        <>
          <p className="muted">
            {from === 'start' ? 'First' : 'Next'}{' '}
            {occurrences.length === 1 ? 'run' : `${occurrences.length} runs`} in {timezone}
            {sameZone ? ' (also your browser’s zone)' : `, and in your browser’s zone (${local})`}:
          </p>
          <ol className="occurrences">
            {occurrences.map((iso) => {
              const instant = new Date(iso);
              return (
                <li key={iso}>
                  <time dateTime={iso}>{formatInstant(instant, timezone)}</time>
                  {!sameZone && (
                    <span className="muted local-time">
                      {' '}
                      · {formatInstant(instant, local)} your time
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
        </>
      )}
    </>
  );
}
