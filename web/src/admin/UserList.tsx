import { useState } from 'react';
import { useMe } from '../auth.tsx';
import { Pager } from '../runs/Pager.tsx';
import { useCursorPages } from '../runs/use-cursor-pages.ts';
import type { User } from './admin-types.ts';
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
      {user.source === 'ldap' && <span className="marker">LDAP</span>}
    </>
  );
}

function UserRow({
  user,
  isMe,
  onEdit,
  onDelete,
}: {
  user: User;
  isMe: boolean;
  onEdit: (user: User) => void;
  onDelete: (user: User) => void;
}) {
  return (
    <tr>
      <td>{user.login}</td>
      <td className="wrap">{user.displayName}</td>
      <td className="optional wrap">{user.email ?? ''}</td>
      <td className="optional wrap">{user.permissions.join(', ')}</td>
      <td>
        <UserStatus user={user} />
      </td>
      <td>
        <div className="actions">
          <button type="button" onClick={() => onEdit(user)}>
            Edit<span className="visually-hidden"> {user.login}</span>
          </button>
          <UserStatusButton user={user} />
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
                <th scope="col" className="optional">
                  E-mail
                </th>
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
