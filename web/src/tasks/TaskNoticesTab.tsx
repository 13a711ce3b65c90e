import { useState } from 'react';
import { FieldGroup } from '../components/Field.tsx';
import { useMe } from '../auth.tsx';
import type { Me, Task } from '../types.ts';
import {
  noNotices,
  noticesModeOf,
  ownNotices,
  type NoticesDraft,
  type NoticesMode,
} from './notices-draft.ts';
import { NoticesFields } from './NoticesFields.tsx';
import type { TaskDraft } from './task-draft.ts';

const MODE_LABELS: Array<[NoticesMode, string]> = [
  ['default', 'Use the server’s default'],
  ['none', 'No notices'],
  ['own', 'Notify me…'],
];

/** Props of the Notices tab. */
export interface TaskNoticesTabProps {
  task: Task | null;
  notices: NoticesDraft | null;
  onChange: (change: Partial<TaskDraft>) => void;
  issueAt: (path: string) => string | undefined;
}

/**
 * Failure notices: the server's default, none, or the task's own (which events, to whom). A
 * task's own notices with every event unticked stay shown, saying they send nothing.
 */
export function TaskNoticesTab({ task, notices, onChange, issueAt }: TaskNoticesTabProps) {
  const me = useMe();
  const stored = noticesModeOf(notices);
  const [ownChosen, setOwnChosen] = useState(stored === 'own');
  const mode: NoticesMode = stored === 'none' && ownChosen ? 'own' : stored;
  const choose = (next: NoticesMode) => {
    setOwnChosen(next === 'own');
    if (next === 'default') onChange({ notices: null });
    if (next === 'none') onChange({ notices: noNotices() });
    if (next === 'own') onChange({ notices: ownNotices(notices) });
  };
  return (
    <>
      <p className="muted">
        A notice tells of a run that failed, timed out or was interrupted (once no retry follows),
        or that the task works again. One per run, never one per series value.
      </p>
      {/* Errors name the fields below (an error on the whole is in the summary). */}
      <FieldGroup legend="Failure notices">
        {MODE_LABELS.map(([value, label]) => (
          <label className="check" key={value}>
            <input
              type="radio"
              id={`notices-mode-${value}`}
              name="notices-mode"
              checked={mode === value}
              onChange={() => choose(value)}
            />
            <span>{label}</span>
          </label>
        ))}
      </FieldGroup>
      {mode === 'own' && notices ? (
        <>
          {notices.on.length === 0 ? (
            <p className="field-error">No event is ticked: this task sends no notices.</p>
          ) : null}
          <NoticesFields
            value={notices}
            onChange={(next) => onChange({ notices: next })}
            pointer="/notices"
            issueAt={issueAt}
            {...ownerTexts(task, me)}
          />
        </>
      ) : null}
      <p className="muted">
        Mail goes through the server’s SMTP server, which an administrator sets up in Settings;
        addresses other than the owner’s need the right to send e-mail, a webhook the right to call
        web addresses.
      </p>
    </>
  );
}

/** How the "to the owner" checkbox names the owner: the caller and their address, or another. */
function ownerTexts(
  task: Task | null,
  me: Pick<Me, 'id' | 'email'>,
): { ownerLabel: string; ownerHelp: string } {
  if (task && task.ownerId !== me.id) {
    return {
      ownerLabel: `Send to the task’s owner (${task.ownerName})`,
      ownerHelp: 'To the e-mail address of their account, when it has one.',
    };
  }
  return {
    ownerLabel: 'Send to me (my e-mail address)',
    ownerHelp: me.email ? `That is ${me.email}.` : 'Your account has no e-mail address yet.',
  };
}
