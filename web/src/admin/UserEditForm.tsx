import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { CheckboxField } from '../components/CheckboxField.tsx';
import type { User } from './admin-types.ts';
import { fieldError, formError } from './form-errors.ts';
import { GroupCheckboxes } from './GroupCheckboxes.tsx';
import { PasswordGenerator } from './PasswordGenerator.tsx';
import { PermissionCheckboxes } from './PermissionCheckboxes.tsx';
import { saveMemberships } from './save-memberships.ts';
import { GROUPS_KEY, useGroups } from './use-admin-lists.ts';
import { USER_FIELD_PATHS, UserFields } from './UserFields.tsx';
import { USERS_KEY } from './use-users.ts';
import { UserStatusButton } from './UserStatusButton.tsx';

/** Changes a user's details, permissions and groups; focus comes here when it opens. */
export function UserEditForm({ user, onDone }: { user: User; onDone: (message: string) => void }) {
  const client = useQueryClient();
  const groups = useGroups();
  const heading = useRef<HTMLHeadingElement>(null);
  const [draft, setDraft] = useState({
    login: user.login,
    displayName: user.displayName,
    email: user.email ?? '',
    password: '',
  });
  const [permissions, setPermissions] = useState(user.permissions);
  const [groupIds, setGroupIds] = useState(user.groupIds);
  const [mustChange, setMustChange] = useState(true);
  useEffect(() => heading.current?.focus(), [user.id]);
  const save = useMutation({
    mutationFn: async () => {
      await api<User>('PATCH', `/users/${encodeURIComponent(user.id)}`, {
        login: draft.login,
        displayName: draft.displayName,
        email: draft.email || null,
        permissions,
        ...(draft.password ? { password: draft.password, mustChangePassword: mustChange } : {}),
      });
      await saveMemberships(user.id, groupIds, groups.data ?? []);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: USERS_KEY });
      void client.invalidateQueries({ queryKey: GROUPS_KEY });
      onDone(`Changes to ${draft.login} saved.`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const problem = formError(save.error, USER_FIELD_PATHS);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-user-heading">
      <h2 id="edit-user-heading" ref={heading} tabIndex={-1}>
        Edit {user.login}
      </h2>
      <UserFields draft={draft} onChange={setDraft} error={save.error} passwordRequired={false} />
      {user.source !== 'local' ? (
        <p className="muted">
          {user.source === 'ldap' ? 'The LDAP directory' : 'The single sign-on provider'} keeps this
          account: its login, password, name and e-mail address come from there, and so do the
          mapped groups.
        </p>
      ) : (
        <PasswordGenerator
          password={draft.password}
          onGenerate={(password) => setDraft((current) => ({ ...current, password }))}
        />
      )}
      {draft.password && (
        <CheckboxField
          label="The user must change the new password at their next login"
          checked={mustChange}
          onChange={setMustChange}
        />
      )}
      {user.mustChangePassword && (
        <p>
          <span className="marker marker-warn">must change password</span> {user.login} has not yet
          chosen their own password.
        </p>
      )}
      <PermissionCheckboxes
        legend="Permissions granted directly"
        value={permissions}
        onChange={setPermissions}
        error={fieldError(save.error, '/permissions')}
      />
      <GroupCheckboxes
        rolesLegend="Roles"
        legend="Other groups"
        value={groupIds}
        onChange={setGroupIds}
      />
      {problem && <p role="alert">{problem}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" onClick={() => onDone('')}>
          Close
        </button>
        <UserStatusButton user={user} />
      </div>
    </form>
  );
}
