import { useState } from 'react';
import { Pager } from '../runs/Pager.tsx';
import { useCursorPages } from '../runs/use-cursor-pages.ts';
import type { User } from './admin-types.ts';
import { useDebounced } from '../use-debounced.ts';
import { useUsers } from './use-users.ts';
import { UserStatusButton } from './UserStatusButton.tsx';
import { Field } from '../components/Field.tsx';

function UserRow({ user, onEdit }: { user: User; onEdit: (user: User) => void }) {
  return (
    <tr>
      <td>{user.login}</td>
      <td className="wrap">{user.displayName}</td>
      <td className="optional wrap">{user.email ?? ''}</td>
      <td className="optional wrap">{user.permissions.join(', ')}</td>
      <td>
        {user.disabled ? (
          <span className="status status-failed">disabled</span>
        ) : (
          <span className="status status-succeeded">active</span>
        )}
      </td>
      <td>
        <div className="actions">
          <button type="button" onClick={() => onEdit(user)}>
            Edit<span className="visually-hidden"> {user.login}</span>
          </button>
          <UserStatusButton user={user} />
        </div>
      </td>
    </tr>
  );
}

/** The users, searched by login, name or e-mail, a page at a time. */
export function UserList({ onEdit }: { onEdit: (user: User) => void }) {
  const [search, setSearch] = useState('');
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
                  Permissions
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <UserRow key={user.id} user={user} onEdit={onEdit} />
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
    </>
  );
}
