import { useEffect, useState } from 'react';
import { useMe } from '../auth.tsx';
import { useUserSearch } from './useUserSearch.ts';

type Mode = 'all' | 'mine' | 'user';

const modeOf = (owner: string): Mode => (owner === '' ? 'all' : owner === 'mine' ? 'mine' : 'user');

/** For administrators: everyone's tasks, their own, or one user's (found by login). */
export function TaskOwnerFilter({
  owner,
  onChange,
}: {
  owner: string;
  onChange: (owner: string) => void;
}) {
  const me = useMe();
  const [mode, setMode] = useState<Mode>(modeOf(owner));
  const [text, setText] = useState(modeOf(owner) === 'user' ? owner : '');
  const users = useUserSearch(text, me.can.manageUsers && mode === 'user');
  const choose = (next: Mode) => {
    setMode(next);
    if (next !== 'user') onChange(next === 'all' ? '' : 'mine');
  };
  // Without users.manage there is no user list to search, so the field takes a user id.
  const match = me.can.manageUsers
    ? users.data?.items.find((user) => user.login === text)?.id
    : text.trim() || undefined;
  useEffect(() => {
    if (mode === 'user' && match && match !== owner) onChange(match);
  }, [mode, match, owner, onChange]);
  return (
    <>
      <label>
        Owner
        <select value={mode} onChange={(event) => choose(event.target.value as Mode)}>
          <option value="all">Everyone</option>
          <option value="mine">Me</option>
          <option value="user">A user…</option>
        </select>
      </label>
      {mode === 'user' ? (
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
      ) : null}
    </>
  );
}
