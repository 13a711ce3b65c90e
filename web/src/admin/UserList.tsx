import { useState } from 'react';
import { useMe } from '../auth.tsx';
import { Pager } from '../runs/Pager.tsx';
import { useCursorPages } from '../runs/use-cursor-pages.ts';
import type { Group, User } from './admin-types.ts';
import { useGroups } from './use-admin-lists.ts';
import { useDebounced } from '../use-debounced.ts';
import { useUsers } from './use-users.ts';
import { UserDeleteDialog } from './UserDeleteDialog.tsx';
import { UserStatusButton } from './UserStatusButton.tsx';
import { Field } from '../components/Field.tsx';

function UserStatus({ user }: { user: User }) {
  return (
    <>
      {user.disabled ? (
        <span className="status status-failed">disabled</span>
      ) : (
        <span className="status status-succeeded">active</span>
      )}
      {user.mustChangePassword && <span className="marker marker-warn">must change password</span>}
      {user.source !== 'local' && (
        <span className="marker">{user.source === 'ldap' ? 'LDAP' : 'SSO'}</span>
      )}
    </>
  );
}

/** The roles and groups the user is in, by name; roles marked as such. */
function UserMemberships({ user, groups }: { user: User; groups: ReadonlyMap<string, Group> }) {
  const held = user.groupIds.flatMap((id) => groups.get(id) ?? []);
  if (held.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {held.map((group, index) => (
        <span key={group.id}>
          {index > 0 ? ', ' : null}
          {group.name}
          {group.role ? <span className="marker">role</span> : null}
        </span>
      ))}
    </>
  );
}

function UserRow({
  user,
  groups,
  isMe,
  onEdit,
  onDelete,
}: {
  user: User;
  groups: ReadonlyMap<string, Group>;
  isMe: boolean;
  onEdit: (user: User) => void;
  onDelete: (user: User) => void;
}) {
  return (
    <tr>
      <td>{user.login}</td>
      <td className="wrap">{user.displayName}</td>
      <td className="optional wrap">{user.email ?? ''}</td>
      <td className="wrap">
        <UserMemberships user={user} groups={groups} />
      </td>
      <td className="optional wrap">{user.permissions.join(', ')}</td>
      <td>
        <UserStatus user={user} />
      </td>
      <td>
        <div className="actions">
          <button type="button" onClick={() => onEdit(user)}>
            Edit<span className="visually-hidden"> {user.login}</span>
          </button>
          {/* Nobody disables or deletes themselves here: they would lock themselves out. */}
          {!isMe && <UserStatusButton user={user} />}
          {!isMe && (
            <button type="button" className="danger" onClick={() => onDelete(user)}>
              Delete<span className="visually-hidden"> {user.login}</span>
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** The users, searched by login, name or e-mail, a page at a time; deleting one asks first. */
export function UserList({
  onEdit,
  onDeleted,
}: {
  onEdit: (user: User) => void;
  onDeleted: (message: string) => void;
}) {
  const me = useMe();
  const [search, setSearch] = useState('');
  const [deleting, setDeleting] = useState<User | null>(null);
  const settled = useDebounced(search.trim());
  const pages = useCursorPages(settled);
  const users = useUsers(settled, pages.cursor);
  const groups = new Map((useGroups().data ?? []).map((group) => [group.id, group]));
  return (
    <>
      <div className="toolbar" role="search">
        <Field label="Search users">
          {(control) => (
            <input
              {...control}
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          )}
        </Field>
      </div>
      {users.isPending && <p className="loading">Loading users…</p>}
      {users.isError && <p role="alert">{users.error.message}</p>}
      {users.data?.items.length === 0 && <p className="muted">No user matches.</p>}
      {users.data && users.data.items.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Login</th>
                <th scope="col">Name</th>
                <th scope="col" className="optional nowrap">
                  E-mail
                </th>
                <th scope="col">Roles &amp; groups</th>
                <th scope="col" className="optional">
                  Own permissions
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  groups={groups}
                  isMe={user.id === me.id}
                  onEdit={onEdit}
                  onDelete={setDeleting}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Pages of users"
        pageNumber={pages.pageNumber}
        nextCursor={users.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
      <UserDeleteDialog
        user={deleting}
        onCancel={() => setDeleting(null)}
        onDeleted={(message) => {
          setDeleting(null);
          onDeleted(message);
        }}
      />
    </>
  );
}
