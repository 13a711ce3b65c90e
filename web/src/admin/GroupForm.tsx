import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { Group } from './admin-types.ts';
import { fieldError, formError } from './form-errors.ts';
import { PermissionCheckboxes } from './PermissionCheckboxes.tsx';
import { CheckboxField } from '../components/CheckboxField.tsx';
import { TextField } from '../components/TextField.tsx';
import { GROUPS_KEY } from './use-admin-lists.ts';
import { useFocusFirstField } from './use-focus-first-field.ts';

/**
 * Creates a group, or renames one and sets its permissions, whether it is a role, and what it is
 * for; its first field takes the focus. onDone says what was saved, or nothing when canceled.
 */
export function GroupForm({
  group,
  onDone,
}: {
  group: Group | null;
  onDone: (message: string) => void;
}) {
  const client = useQueryClient();
  const form = useFocusFirstField<HTMLFormElement>();
  const [name, setName] = useState(group?.name ?? '');
  const [permissions, setPermissions] = useState(group?.permissions ?? []);
  const [usableInSeries, setUsableInSeries] = useState(group?.usableInSeries ?? false);
  const [role, setRole] = useState(group?.role ?? false);
  const [description, setDescription] = useState(group?.description ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = { name, permissions, usableInSeries, role, description };
      return group
        ? api('PATCH', `/groups/${encodeURIComponent(group.id)}`, body)
        : api('POST', '/groups', body);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: GROUPS_KEY });
      onDone(group ? `Group ${name} saved.` : `Group ${name} created.`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const problem = formError(save.error, ['/name', '/description', '/permissions']);
  const headingId = group ? `group-${group.id}-heading` : 'new-group-heading';
  return (
    <form ref={form} className="card" onSubmit={submit} aria-labelledby={headingId}>
      <h3 id={headingId}>{group ? `Edit group ${group.name}` : 'New group'}</h3>
      <TextField
        label="Name"
        required
        maxLength={100}
        value={name}
        onChange={setName}
        error={fieldError(save.error, '/name')}
      />
      <TextField
        label="Description"
        help="What the group is for; the new-user form shows it under a role's name"
        maxLength={500}
        value={description}
        onChange={setDescription}
        error={fieldError(save.error, '/description')}
      />
      <CheckboxField
        label="This group is a role"
        help="Offered first, by name and description, when a user is made"
        checked={role}
        onChange={setRole}
      />
      <PermissionCheckboxes
        legend="Permissions of its members"
        value={permissions}
        onChange={setPermissions}
        error={fieldError(save.error, '/permissions')}
      />
      <CheckboxField
        label="Any planner may run a task once per member of this group"
        help="Otherwise only the group's own members may use it in a group series"
        checked={usableInSeries}
        onChange={setUsableInSeries}
      />
      {problem && <p role="alert">{problem}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {group ? 'Save group' : 'Create group'}
        </button>
        <button type="button" onClick={() => onDone('')}>
          Cancel
        </button>
      </div>
    </form>
  );
}
