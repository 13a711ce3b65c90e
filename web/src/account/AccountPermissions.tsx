import { usePermissions } from '../admin/use-admin-lists.ts';
import type { Account, AccountGroup } from './account-types.ts';

/** Words in a list: "a", "a and b", "a, b and c". */
function listed(words: readonly string[]): string {
  if (words.length < 2) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A role or group by its kind and name: "the role Planners", "the group finance". */
const named = (group: AccountGroup) => `the ${group.role ? 'role' : 'group'} ${group.name}`;

/** Where a permission comes from: "directly", "through the role Planners", or both. */
function sourcesOf(account: Account, permission: string): string {
  const direct = account.directPermissions.includes(permission);
  const groups = account.groups.filter((group) => group.permissions.includes(permission));
  const through = groups.length > 0 ? `through ${listed(groups.map(named))}` : '';
  if (direct && through) return `directly and ${through}`;
  return direct ? 'directly' : through;
}

/** "You are in the role Planners and the group finance." */
function GroupSummary({ groups }: { groups: AccountGroup[] }) {
  if (groups.length === 0) return <p>You are in no role or group.</p>;
  return (
    <p>
      You are in{' '}
      {groups.map((group, index) => (
        <span key={group.id}>
          {index === 0 ? '' : index === groups.length - 1 ? ' and ' : ', '}
          the {group.role ? 'role' : 'group'} <strong>{group.name}</strong>
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
                  <td className="wrap">{sourcesOf(account, permission)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
