import { usePermissions } from '../admin/use-admin-lists.ts';
import type { Account, AccountGroup } from './account-types.ts';

/** Where a permission comes from: "directly", the groups that give it, or both. */
function sourcesOf(account: Account, permission: string): string[] {
  const direct = account.directPermissions.includes(permission) ? ['directly'] : [];
  const groups = account.groups
    .filter((group) => group.permissions.includes(permission))
    .map((group) => (group.role ? `role ${group.name}` : `group ${group.name}`));
  return [...direct, ...groups];
}

function GroupSummary({ groups }: { groups: AccountGroup[] }) {
  if (groups.length === 0) return <p>You are in no role or group.</p>;
  return (
    <p>
      You are in{' '}
      {groups.map((group, index) => (
        <span key={group.id}>
          {index > 0 && ', '}
          <strong>{group.name}</strong>
          {group.role && <span className="marker">role</span>}
        </span>
      ))}
      .
    </p>
  );
}

/** "What you may do": each permission the user holds, what it allows, and where it comes from. */
export function AccountPermissions({ account }: { account: Account }) {
  const catalog = usePermissions();
  const described = new Map(catalog.data?.map((each) => [each.name, each.description]));
  return (
    <section aria-labelledby="account-permissions-heading" className="card">
      <h2 id="account-permissions-heading">What you may do</h2>
      <GroupSummary groups={account.groups} />
      {account.permissions.length === 0 ? (
        <p>You hold no permission: ask a user manager for a role.</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby="account-permissions-heading">
            <thead>
              <tr>
                <th scope="col">Permission</th>
                <th scope="col" className="optional">
                  What it allows
                </th>
                <th scope="col">Granted</th>
              </tr>
            </thead>
            <tbody>
              {account.permissions.map((permission) => (
                <tr key={permission}>
                  <td>
                    <code>{permission}</code>
                  </td>
                  <td className="optional wrap">{described.get(permission) ?? ''}</td>
                  <td className="wrap">{sourcesOf(account, permission).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
