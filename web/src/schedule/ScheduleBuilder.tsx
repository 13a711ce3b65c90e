import { useState } from 'react';
import { ExclusionsEditor } from './ExclusionsEditor.tsx';
import { IntervalEditor } from './IntervalEditor.tsx';
import { removedAt, replacedAt, withOptional } from './list-edits.ts';
import { intervalOfKind } from './schedule-defaults.ts';
import { ScheduleFrame } from './ScheduleFrame.tsx';
import { SchedulePreview } from './SchedulePreview.tsx';
import type { Schedule, ScheduleIssueAt } from './schedule-types.ts';
import { useSchedulePreview, type PreviewFrom, type PreviewState } from './use-schedule-preview.ts';
import './schedule.css';

/**
 * The live preview's messages first (they match what is on screen now); the last save's only
 * while the preview has not judged the current schedule yet.
 */
function combinedIssues(preview: PreviewState, saved: ScheduleIssueAt): ScheduleIssueAt {
  return (path) => {
    const live = preview.issues.find((issue) => issue.path === path);
    if (live) return live.message;
    if (preview.issues.length > 0 || (preview.answer && !preview.updating)) return undefined;
    return saved(path);
  };
}

/** Builds a schedule (the config of a time trigger) from its parts, with a live preview. */
export function ScheduleBuilder({
  schedule,
  taskZone,
  issueAt,
  onChange,
}: {
  schedule: Schedule;
  /** The task's zone, which applies when the schedule has none of its own. */
  taskZone: string;
  /** The API's messages from the last save, by path inside the schedule. */
  issueAt: ScheduleIssueAt;
  onChange: (schedule: Schedule) => void;
}) {
  const [from, setFrom] = useState<PreviewFrom>('now');
  const preview = useSchedulePreview(schedule, taskZone, from);
  const issueFor = combinedIssues(preview, issueAt);
  const { intervals } = schedule;
  const addInterval = () =>
    onChange({
      ...schedule,
      intervals: [...intervals, intervalOfKind('days', intervals.at(-1), schedule.start)],
    });
  return (
    <div className="schedule-builder">
      <div className="schedule-fields">
        {intervals.map((interval, index) => (
          <IntervalEditor
            key={index}
            interval={interval}
            number={index + 1}
            start={schedule.start}
            issueAt={(path) => issueFor(`/intervals/${index}${path}`)}
            onChange={(next) =>
              onChange({ ...schedule, intervals: replacedAt(intervals, index, next) })
            }
            onRemove={
              intervals.length > 1
                ? () => onChange({ ...schedule, intervals: removedAt(intervals, index) })
                : undefined
            }
          />
        ))}
        <p className="add-interval">
          <button type="button" onClick={addInterval}>
            Add another interval
          </button>{' '}
          <span className="muted">The schedule fires at the times of all its intervals.</span>
        </p>
        <ScheduleFrame
          schedule={schedule}
          taskZone={taskZone}
          issueAt={issueFor}
          onChange={onChange}
        />
        <ExclusionsEditor
          exclude={schedule.exclude ?? []}
          start={schedule.start}
          issueAt={issueFor}
          onChange={(exclude) => onChange(withOptional(schedule, 'exclude', exclude))}
        />
      </div>
      <SchedulePreview preview={preview} from={from} onFromChange={setFrom} />
    </div>
  );
}
