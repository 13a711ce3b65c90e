import { useState } from 'react';
import { useMe } from '../auth.tsx';
import { Link } from '../router.tsx';
import { GroupsSection } from '../admin/GroupsSection.tsx';
import { UserCreateForm } from '../admin/UserCreateForm.tsx';
import { UserEditor } from '../admin/UserEditor.tsx';
import { UserList } from '../admin/UserList.tsx';
import '../admin/admin.css';
import { NotAllowedPage } from './NotAllowedPage.tsx';

type Panel = { kind: 'none' } | { kind: 'create' } | { kind: 'edit'; userId: string };

/** User administration: list and search users, create, edit permissions, disable, delete; groups. */
export function AdminUsersPage() {
  const me = useMe();
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [notice, setNotice] = useState('');
  if (!me.can.manageUsers) {
    return (
      <NotAllowedPage title="Users" purpose="manage users and groups" permission="users.manage" />
    );
  }
  return (
    <section>
      <h1>Users</h1>
      {me.can.administerTasks && (
        <p>
          <Link href="/tasks">All users’ tasks</Link>
        </p>
      )}
      <p role="status">{notice}</p>
      {panel.kind === 'none' && (
        <p>
          <button type="button" className="primary" onClick={() => setPanel({ kind: 'create' })}>
            New user
          </button>
        </p>
      )}
      {panel.kind === 'create' && (
        <UserCreateForm
          onDone={(created) => {
            setNotice(created ? `User ${created.login} created.` : '');
            setPanel({ kind: 'none' });
          }}
        />
      )}
      {panel.kind === 'edit' && (
        <UserEditor
          key={panel.userId}
          userId={panel.userId}
          onDone={(message) => {
            setNotice(message);
            setPanel({ kind: 'none' });
          }}
        />
      )}
      <UserList
        onEdit={(user) => {
          setNotice('');
          setPanel({ kind: 'edit', userId: user.id });
        }}
        onDeleted={(message) => {
          setNotice(message);
          setPanel({ kind: 'none' });
        }}
      />
      <GroupsSection onSaved={() => setNotice('')} />
    </section>
  );
}
