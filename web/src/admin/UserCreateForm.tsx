import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { User } from './admin-types.ts';
import { fieldError, formError } from './form-errors.ts';
import { PermissionCheckboxes } from './PermissionCheckboxes.tsx';
import { USER_FIELD_PATHS, UserFields, type UserDraft } from './UserFields.tsx';
import { USERS_KEY } from './use-users.ts';

const EMPTY: UserDraft = { login: '', displayName: '', email: '', password: '' };

/** Creates a user; new users may use the planner unless unticked. */
export function UserCreateForm({ onDone }: { onDone: (created: User | null) => void }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(EMPTY);
  const [permissions, setPermissions] = useState<string[]>(['taskplanner']);
  const create = useMutation({
    mutationFn: () =>
      api<User>('POST', '/users', {
        login: draft.login,
        password: draft.password,
        ...(draft.displayName ? { displayName: draft.displayName } : {}),
        email: draft.email || null,
        permissions,
      }),
    onSuccess: (user) => {
      void client.invalidateQueries({ queryKey: USERS_KEY });
      onDone(user);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const problem = formError(create.error, USER_FIELD_PATHS);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-user-heading">
      <h2 id="new-user-heading">New user</h2>
      <UserFields draft={draft} onChange={setDraft} error={create.error} passwordRequired />
      <PermissionCheckboxes
        value={permissions}
        onChange={setPermissions}
        error={fieldError(create.error, '/permissions')}
      />
      {problem && <p role="alert">{problem}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create user
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
