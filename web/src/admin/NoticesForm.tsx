import { useState, type FormEvent } from 'react';
import type { NoticesDraft } from '../tasks/notices-draft.ts';
import { NoticesFields } from '../tasks/NoticesFields.tsx';
import type { RunNotices } from '../types.ts';
import { fieldError, formError } from './form-errors.ts';
import { useSaveSettings } from './use-settings.ts';

/**
 * The failure notices of tasks that have none of their own: which events, to the task's owner,
 * to further addresses, to a webhook. No event ticked: no notices (a new server's default).
 */
export function NoticesForm({ notices }: { notices: RunNotices }) {
  const save = useSaveSettings();
  const [draft, setDraft] = useState<NoticesDraft>(notices);
  const [saved, setSaved] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved('');
    save.mutate(
      { notices: draft },
      {
        onSuccess: (settings) => {
          setDraft(settings.notices);
          setSaved('The default notices are saved.');
        },
      },
    );
  };
  const issueAt = (path: string) => fieldError(save.error, path);
  const problem = formError(save.error, ['/notices']);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="notices-heading" noValidate>
      <h2 id="notices-heading">Failure notices</h2>
      <p className="muted">
        The default for tasks without notices of their own: a message when a run failed, timed out
        or was interrupted (once no retry follows), or when the task works again. Tick no event to
        send none. Mail goes through the SMTP server above; these defaults need no right of the
        task’s owner.
      </p>
      <NoticesFields
        value={draft}
        onChange={setDraft}
        pointer="/notices"
        issueAt={issueAt}
        ownerLabel="Send to the task’s owner"
        ownerHelp="To the e-mail address of the owner’s account, when it has one."
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status">{saved}</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save notices
        </button>
      </div>
    </form>
  );
}
