import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { User } from './admin-types.ts';
import { USERS_KEY } from './use-users.ts';

/** Disables a user (who can then no longer log in or use tokens) or enables them again. */
export function UserStatusButton({ user }: { user: User }) {
  const client = useQueryClient();
  const verb = user.disabled ? 'enable' : 'disable';
  const change = useMutation({
    mutationFn: () => api<User>('POST', `/users/${encodeURIComponent(user.id)}/${verb}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: USERS_KEY }),
  });
  return (
    <>
      <button type="button" onClick={() => change.mutate()} disabled={change.isPending}>
        {user.disabled ? 'Enable' : 'Disable'}
        <span className="visually-hidden"> {user.login}</span>
      </button>
      {change.isError && <span role="alert"> {change.error.message}</span>}
    </>
  );
}
