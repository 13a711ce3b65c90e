import { UserEditForm } from './UserEditForm.tsx';
import { useUser } from './use-users.ts';

/** Loads a user and shows their edit form. */
export function UserEditor({
  userId,
  onDone,
}: {
  userId: string;
  onDone: (message: string) => void;
}) {
  const user = useUser(userId);
  if (user.isPending) return <p className="loading">Loading the user…</p>;
  if (user.isError) return <p role="alert">{user.error.message}</p>;
  return <UserEditForm key={user.data.id} user={user.data} onDone={onDone} />;
}
