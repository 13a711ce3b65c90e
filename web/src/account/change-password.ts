import { api } from '../api.ts';
import { logIn } from '../auth.tsx';
import type { Me } from '../types.ts';

/**
 * Changes the user's own password, then logs in again with the new one: the change ends every
 * session of the user, this one too. Null when that login failed (the login form then shows).
 */
export async function changeOwnPassword(
  login: string,
  currentPassword: string,
  newPassword: string,
): Promise<Me | null> {
  await api('PUT', '/me/password', { currentPassword, newPassword });
  return logIn(login, newPassword).catch(() => null);
}
