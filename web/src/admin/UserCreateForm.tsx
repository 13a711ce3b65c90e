import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { CheckboxField } from '../components/CheckboxField.tsx';
import type { User } from './admin-types.ts';
import { fieldError, formError } from './form-errors.ts';
import { GroupCheckboxes } from './GroupCheckboxes.tsx';
import { PasswordGenerator } from './PasswordGenerator.tsx';
import { PermissionCheckboxes } from './PermissionCheckboxes.tsx';
import { GROUPS_KEY } from './use-admin-lists.ts';
import { USER_FIELD_PATHS, UserFields, type UserDraft } from './UserFields.tsx';
import { USERS_KEY } from './use-users.ts';
import { useFocusFirstField } from './use-focus-first-field.ts';

const EMPTY: UserDraft = { login: '', displayName: '', email: '', password: '' };

/** The body of POST /users: without permissions chosen the server decides (see the help text). */
function bodyOf(draft: UserDraft, groupIds: string[], permissions: string[], mustChange: boolean) {
  return {
    login: draft.login,
    password: draft.password,
    ...(draft.displayName ? { displayName: draft.displayName } : {}),
    email: draft.email || null,
    groupIds,
    ...(permissions.length > 0 ? { permissions } : {}),
    mustChangePassword: mustChange,
  };
}

function OwnPermissions({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  error: string | undefined;
}) {
  return (
    <details className="own-permissions" open={error ? true : undefined}>
      <summary>Permissions of their own ({value.length} chosen)</summary>
      <p className="muted">
        Besides what their roles and groups give. With no role, group or permission chosen, the user
        may use the planner (taskplanner) and nothing more.
      </p>
      <PermissionCheckboxes
        legend="Permissions granted directly"
        value={value}
        onChange={onChange}
        error={error}
      />
    </details>
  );
}

/**
 * Creates a user: roles first, a generated password they change at first login. Its first
 * field takes the focus.
 */
export function UserCreateForm({ onDone }: { onDone: (created: User | null) => void }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(EMPTY);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [permissions, setPermissions] = useState<string[]>([]);
  const [mustChange, setMustChange] = useState(true);
  const form = useFocusFirstField<HTMLFormElement>();
  const create = useMutation({
    mutationFn: () => api<User>('POST', '/users', bodyOf(draft, groupIds, permissions, mustChange)),
    onSuccess: (user) => {
      void client.invalidateQueries({ queryKey: USERS_KEY });
      void client.invalidateQueries({ queryKey: GROUPS_KEY });
      onDone(user);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const problem = formError(create.error, USER_FIELD_PATHS);
  return (
    <form ref={form} className="card" onSubmit={submit} aria-labelledby="new-user-heading">
      <h2 id="new-user-heading">New user</h2>
      <UserFields draft={draft} onChange={setDraft} error={create.error} passwordRequired />
      <PasswordGenerator
        password={draft.password}
        onGenerate={(password) => setDraft((current) => ({ ...current, password }))}
      />
      <CheckboxField
        label="The user must change it at first login"
        help="Until they do, they can do nothing else; afterwards only they know their password"
        checked={mustChange}
        onChange={setMustChange}
      />
      <GroupCheckboxes
        rolesLegend="Roles"
        legend="Other groups"
        value={groupIds}
        onChange={setGroupIds}
      />
      <OwnPermissions
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
