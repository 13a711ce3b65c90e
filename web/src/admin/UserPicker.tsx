import { useId } from 'react';
import { api, query } from '../api.ts';
import { Field } from '../components/Field.tsx';
import type { Page } from '../types.ts';
import { useDebounced } from '../use-debounced.ts';
import type { User } from './admin-types.ts';
import { useUsers } from './use-users.ts';

/** The users one may pick: enabled ones, besides the one excepted. */
function pickable(users: readonly User[], exceptId: string): User[] {
  return users.filter((user) => !user.disabled && user.id !== exceptId);
}

/** The enabled users whose login or name matches the text (GET /users, for user managers). */
export function useOfferedUsers(text: string, exceptId: string): User[] {
  const users = useUsers(useDebounced(text.trim()), null);
  return pickable(users.data?.items ?? [], exceptId);
}

/** The offered user whose login is the text (logins ignore case), if any. */
export function pickedUser(offered: readonly User[], text: string): User | undefined {
  const login = text.trim().toLowerCase();
  return offered.find((user) => user.login.toLowerCase() === login);
}

/** The pickable user with this login; asks the server when the suggestions do not hold them yet. */
export async function findUser(
  offered: readonly User[],
  text: string,
  exceptId: string,
): Promise<User | undefined> {
  const known = pickedUser(offered, text);
  if (known || text.trim() === '') return known;
  const found = await api<Page<User>>('GET', `/users${query({ q: text.trim(), limit: 20 })}`);
  return pickedUser(pickable(found.items, exceptId), text);
}

/** A login field suggesting the offered users as one types. */
export function UserPicker({
  label,
  text,
  onChange,
  offered,
  error,
}: {
  label: string;
  text: string;
  onChange: (text: string) => void;
  offered: readonly User[];
  error?: string | undefined;
}) {
  const listId = useId();
  return (
    <>
      <Field label={label} help="Type a login and choose from the list" error={error}>
        {(control) => (
          <input
            {...control}
            type="text"
            list={listId}
            autoComplete="off"
            value={text}
            onChange={(event) => onChange(event.target.value)}
          />
        )}
      </Field>
      <datalist id={listId}>
        {offered.map((user) => (
          <option key={user.id} value={user.login}>
            {user.displayName}
          </option>
        ))}
      </datalist>
    </>
  );
}
