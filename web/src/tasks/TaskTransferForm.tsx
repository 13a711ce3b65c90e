import { useState } from 'react';
import { ApiError } from '../api.ts';
import { useMe } from '../auth.tsx';
import type { Task } from '../types.ts';
import { Field } from '../components/Field.tsx';
import { transferTask } from './task-queries.ts';
import { useUserSearch } from './useUserSearch.ts';

/** Gives the task to another user (POST /tasks/{id}/owner); the transfer is saved at once. */
export function TaskTransferForm({
  task,
  onTransferred,
}: {
  task: Task;
  onTransferred: (task: Task) => void;
}) {
  const me = useMe();
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const users = useUserSearch(text, me.can.manageUsers);
  // Without users.manage the user list is closed, so the field takes a user id.
  const ownerId = me.can.manageUsers
    ? users.data?.items.find((user) => user.login === text)?.id
    : text.trim();
  const submit = async () => {
    if (!ownerId) {
      setMessage({ text: 'Choose a user from the list.', error: true });
      return;
    }
    setBusy(true);
    try {
      const moved = await transferTask(task.id, ownerId);
      onTransferred(moved);
      setText('');
      setMessage({ text: `The task now belongs to ${moved.ownerLogin}.`, error: false });
    } catch (caught) {
      setMessage({
        text: caught instanceof ApiError ? caught.message : String(caught),
        error: true,
      });
    } finally {
      setBusy(false);
    }
  };
  const error = message?.error ? message.text : undefined;
  return (
    <fieldset>
      <legend>Transfer to another owner</legend>
      <Field
        id="transfer-owner"
        label={me.can.manageUsers ? 'New owner (login)' : 'New owner (user id)'}
        help="The transfer is saved at once; unsaved changes to the task stay in the form."
        error={error}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            list={me.can.manageUsers ? 'transfer-owner-users' : undefined}
            autoComplete="off"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        )}
      </Field>
      {me.can.manageUsers ? (
        <datalist id="transfer-owner-users">
          {users.data?.items.map((user) => (
            <option key={user.id} value={user.login}>
              {user.displayName}
            </option>
          ))}
        </datalist>
      ) : null}
      <button type="button" onClick={() => void submit()} disabled={busy || text.trim() === ''}>
        Transfer
      </button>
      <p role="status">{message && !message.error ? message.text : ''}</p>
    </fieldset>
  );
}
