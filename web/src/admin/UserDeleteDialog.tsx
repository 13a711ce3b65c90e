import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useModalDialog } from '../components/use-modal-dialog.ts';
import { api, ApiError, query } from '../api.ts';
import { FieldGroup } from '../components/Field.tsx';
import type { User } from './admin-types.ts';
import { fieldError } from './form-errors.ts';
import { GROUPS_KEY } from './use-admin-lists.ts';
import { USERS_KEY } from './use-users.ts';
import { findUser, useOfferedUsers, UserPicker } from './UserPicker.tsx';

/** What becomes of the tasks of a deleted user (DELETE /users/{id}?tasks=…). */
type Disposal = { tasks: 'delete' } | { tasks: 'transfer'; to: string };
type Choice = Disposal['tasks'];
/** What the form asks for: nothing said about tasks yet, or a choice, naming the new owner by login. */
type Request = null | { tasks: 'delete' } | { tasks: 'transfer'; login: string };

const OWNS_TASKS = 'USER_OWNS_TASKS';
const CONFIRM_LABELS: Record<Choice, string> = {
  transfer: 'Delete user, give tasks away',
  delete: 'Delete user and tasks',
};

/** The refusal of a new owner the form cannot find, shown at the picker like the server's. */
const UNKNOWN_RECIPIENT = new ApiError(400, 'UNKNOWN_RECIPIENT', 'Choose a user from the list.', [
  { path: '/to', message: 'Choose a user from the list.' },
]);

function deleteUser(user: User, disposal: Disposal | null): Promise<unknown> {
  const params = disposal
    ? { tasks: disposal.tasks, to: 'to' in disposal ? disposal.to : null }
    : {};
  return api('DELETE', `/users/${encodeURIComponent(user.id)}${query(params)}`);
}

/**
 * The choice between giving the tasks to someone and deleting them, once the user owns some;
 * the first choice takes the focus when it appears (the button pressed was disabled meanwhile).
 */
function TaskChoice({
  user,
  choice,
  onChoice,
  recipient,
  onRecipient,
  offered,
  recipientError,
}: {
  user: User;
  choice: Choice;
  onChoice: (choice: Choice) => void;
  recipient: string;
  onRecipient: (text: string) => void;
  offered: readonly User[];
  recipientError: string | undefined;
}) {
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <>
      <FieldGroup
        legend={`${user.login} owns tasks. Give them to another user, or delete them with ${user.login}:`}
      >
        <label className="check">
          <input
            ref={first}
            type="radio"
            name="user-tasks"
            checked={choice === 'transfer'}
            onChange={() => onChoice('transfer')}
          />
          <span>Give them to another user</span>
        </label>
        <label className="check">
          <input
            type="radio"
            name="user-tasks"
            checked={choice === 'delete'}
            onChange={() => onChoice('delete')}
          />
          <span>Delete them, with their runs</span>
        </label>
      </FieldGroup>
      {choice === 'transfer' && (
        <UserPicker
          label="New owner of the tasks"
          text={recipient}
          onChange={onRecipient}
          offered={offered}
          error={recipientError}
        />
      )}
    </>
  );
}

/** What the page says once the user is gone, and what became of their tasks. */
function deletedMessage(user: User, request: Request): string {
  if (request?.tasks === 'transfer') {
    return `User ${user.login} deleted; their tasks now belong to ${request.login.trim()}.`;
  }
  if (request?.tasks === 'delete') return `User ${user.login} deleted, with their tasks.`;
  return `User ${user.login} deleted.`;
}

/** The question, the choice once needed, the server's refusal, and the buttons. */
function DeleteForm({ user, onCancel, onDeleted }: DialogProps & { user: User }) {
  const client = useQueryClient();
  const [ownsTasks, setOwnsTasks] = useState(false);
  const [choice, setChoice] = useState<Choice>('transfer');
  const [recipient, setRecipient] = useState('');
  const offered = useOfferedUsers(recipient, user.id);
  const disposalOf = async (request: Request): Promise<Disposal | null> => {
    if (request?.tasks !== 'transfer') return request;
    const to = await findUser(offered, request.login, user.id);
    if (!to) throw UNKNOWN_RECIPIENT;
    return { tasks: 'transfer', to: to.id };
  };
  const remove = useMutation({
    mutationFn: async (request: Request) => deleteUser(user, await disposalOf(request)),
    onSuccess: (_answer, request) => {
      for (const queryKey of [USERS_KEY, GROUPS_KEY, ['tasks']]) {
        void client.invalidateQueries({ queryKey });
      }
      onDeleted(deletedMessage(user, request));
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === OWNS_TASKS) setOwnsTasks(true);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ownsTasks) remove.mutate(null);
    else if (choice === 'delete') remove.mutate({ tasks: 'delete' });
    else remove.mutate({ tasks: 'transfer', login: recipient });
  };
  const refused =
    remove.error && !(remove.error instanceof ApiError && remove.error.code === OWNS_TASKS);
  const toError = fieldError(remove.error, '/to');
  return (
    <form onSubmit={submit}>
      <h2 id="delete-user-title">Delete the user {user.login}?</h2>
      <p>
        {user.displayName} can no longer log in, and their API tokens stop working. This cannot be
        undone.
      </p>
      {ownsTasks && (
        <TaskChoice
          user={user}
          choice={choice}
          onChoice={setChoice}
          recipient={recipient}
          onRecipient={(text) => {
            setRecipient(text);
            if (toError) remove.reset();
          }}
          offered={offered}
          recipientError={choice === 'transfer' ? toError : undefined}
        />
      )}
      {refused && !toError && (
        <p role="alert">
          {remove.error instanceof ApiError
            ? remove.error.message
            : 'The server cannot be reached.'}
        </p>
      )}
      <div className="actions">
        <button type="button" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="danger" disabled={remove.isPending}>
          {ownsTasks ? CONFIRM_LABELS[choice] : 'Delete user'}
        </button>
      </div>
    </form>
  );
}

interface DialogProps {
  onCancel: () => void;
  onDeleted: (message: string) => void;
}

/**
 * Asks before deleting a user; when they own tasks, also whether to delete those or give them
 * to someone. A modal dialog: Escape cancels, and the focus returns to where it was.
 */
export function UserDeleteDialog({ user, ...props }: DialogProps & { user: User | null }) {
  const dialog = useModalDialog(user !== null);
  return (
    <dialog
      ref={dialog}
      className="user-dialog"
      aria-labelledby="delete-user-title"
      onClose={props.onCancel}
    >
      {user && <DeleteForm key={user.id} user={user} {...props} />}
    </dialog>
  );
}
