import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.ts';
import type { Group } from './admin-types.ts';
import { rolesFirst } from './GroupCheckboxes.tsx';
import { GroupForm } from './GroupForm.tsx';
import { GROUPS_KEY, useGroups } from './use-admin-lists.ts';

function DeleteGroupButton({ group }: { group: Group }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/groups/${encodeURIComponent(group.id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: GROUPS_KEY }),
  });
  const confirmDelete = () => {
    if (window.confirm(`Delete the group “${group.name}”? Its members lose its permissions.`)) {
      remove.mutate();
    }
  };
  return (
    <>
      <button type="button" onClick={confirmDelete} disabled={remove.isPending}>
        Delete<span className="visually-hidden"> group {group.name}</span>
      </button>
      {remove.isError && <span role="alert"> {remove.error.message}</span>}
    </>
  );
}

function GroupTable({ groups, onEdit }: { groups: Group[]; onEdit: (group: Group) => void }) {
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col" className="optional">
              Permissions
            </th>
            <th scope="col">Members</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rolesFirst(groups).map((group) => (
            <tr key={group.id}>
              <td className="wrap">
                {group.name}
                {group.role && <span className="marker">role</span>}
                {group.description && (
                  <>
                    <br />
                    <span className="muted">{group.description}</span>
                  </>
                )}
              </td>
              <td className="optional wrap">{group.permissions.join(', ')}</td>
              <td>{group.memberIds.length}</td>
              <td>
                <div className="actions">
                  <button type="button" onClick={() => onEdit(group)}>
                    Edit<span className="visually-hidden"> group {group.name}</span>
                  </button>
                  <DeleteGroupButton group={group} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Groups: members share the group's permissions; members are chosen on each user. Saving one
 * says so here, and onSaved lets the page drop its own older notice.
 */
export function GroupsSection({ onSaved }: { onSaved: () => void }) {
  const groups = useGroups();
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const open = (group: Group | 'new') => {
    setNotice('');
    setEditing(group);
  };
  return (
    <section aria-labelledby="groups-heading">
      <h2 id="groups-heading">Groups</h2>
      <p className="muted">
        Members get the group’s permissions. Roles are groups offered first when a user is made.
        Choose a user’s groups by editing the user.
      </p>
      <p role="status">{notice}</p>
      {editing === null && (
        <p>
          <button type="button" onClick={() => open('new')}>
            New group
          </button>
        </p>
      )}
      {editing !== null && (
        <GroupForm
          key={editing === 'new' ? 'new' : editing.id}
          group={editing === 'new' ? null : editing}
          onDone={(message) => {
            setEditing(null);
            setNotice(message);
            if (message) onSaved();
          }}
        />
      )}
      {groups.isPending && <p className="loading">Loading groups…</p>}
      {groups.isError && <p role="alert">{groups.error.message}</p>}
      {groups.data?.length === 0 && <p className="muted">There are no groups.</p>}
      {groups.data && groups.data.length > 0 && <GroupTable groups={groups.data} onEdit={open} />}
    </section>
  );
}
