import { useEffect, useState } from 'react';
import { useMe } from '../auth.tsx';
import type { TaskFilters, TaskScopeFilter } from './useTaskListState.ts';
import { useUserSearch } from './useUserSearch.ts';

type Mode = 'all' | Exclude<TaskScopeFilter, ''> | 'user';

function modeOf(scope: TaskScopeFilter, owner: string, isAdmin: boolean): Mode {
  if (isAdmin && owner !== '') return 'user';
  return scope === '' ? 'all' : scope;
}

/**
 * Whose tasks: all the user sees, their own, or those shared with them; administrators see
 * everyone's under "All" and can pick one user's (found by login).
 */
export function TaskOwnerFilter({
  scope,
  owner,
  isAdmin,
  onChange,
}: {
  scope: TaskScopeFilter;
  owner: string;
  isAdmin: boolean;
  onChange: (change: Pick<TaskFilters, 'scope' | 'owner'>) => void;
}) {
  const [mode, setMode] = useState<Mode>(modeOf(scope, owner, isAdmin));
  const choose = (next: Mode) => {
    setMode(next);
    if (next !== 'user') onChange({ scope: next === 'all' ? '' : next, owner: '' });
  };
  return (
    <>
      <label>
        Whose
        <select value={mode} onChange={(event) => choose(event.target.value as Mode)}>
          <option value="all">{isAdmin ? 'All (everyone’s)' : 'All'}</option>
          <option value="mine">Mine</option>
          <option value="shared">Shared with me</option>
          {isAdmin ? <option value="user">A user’s…</option> : null}
        </select>
      </label>
      {mode === 'user' ? (
        <OwnerSearch owner={owner} onChange={(id) => onChange({ scope: '', owner: id })} />
      ) : null}
    </>
  );
}

/** For administrators: the user whose tasks to show, by login (or id without users.manage). */
function OwnerSearch({ owner, onChange }: { owner: string; onChange: (owner: string) => void }) {
  const me = useMe();
  const [text, setText] = useState(owner);
  const users = useUserSearch(text, me.can.manageUsers);
  // Without users.manage there is no user list to search, so the field takes a user id.
  const match = me.can.manageUsers
    ? users.data?.items.find((user) => user.login === text)?.id
    : text.trim() || undefined;
  useEffect(() => {
    if (match && match !== owner) onChange(match);
  }, [match, owner, onChange]);
  return (
    <label>
      {me.can.manageUsers ? 'User (login)' : 'User id'}
      <input
        type="search"
        list={me.can.manageUsers ? 'owner-filter-users' : undefined}
        autoComplete="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      {me.can.manageUsers ? (
        <datalist id="owner-filter-users">
          {users.data?.items.map((user) => (
            <option key={user.id} value={user.login}>
              {user.displayName}
            </option>
          ))}
        </datalist>
      ) : null}
    </label>
  );
}
