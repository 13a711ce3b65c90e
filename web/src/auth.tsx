import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.ts';
import type { Account } from './account/account-types.ts';
import { navigate } from './router.tsx';
import type { Me } from './types.ts';

const ME_KEY = ['me'];
const ACCOUNT_KEY = ['account'];

const MeContext = createContext<Me | null>(null);

/** The logged-in user; only inside <RequireLogin>. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a logged-in page');
  return me;
}

/** Loads who is logged in; shows the login form when nobody is. */
export function useSession() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        const me = await api<Me>('GET', '/me');
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** The logged-in user with where each permission comes from (GET /me), for the Account page. */
export function useAccount() {
  return useQuery({ queryKey: ACCOUNT_KEY, queryFn: () => api<Account>('GET', '/me') });
}

/** Shows the app as this login: after logging in, or after logging in again. */
export function showLoggedIn(client: QueryClient, me: Me | null): void {
  client.setQueryData(ME_KEY, me);
  void client.invalidateQueries({ queryKey: ACCOUNT_KEY });
}

/**
 * Asks the server again who is logged in when a call was refused until the password is
 * changed: /me then says so, and the app shows the form for it instead of the pages.
 */
export function recheckOnPasswordChangeRequired(client: QueryClient, error: unknown): void {
  if (error instanceof ApiError && error.code === 'PASSWORD_CHANGE_REQUIRED') {
    void client.invalidateQueries({ queryKey: ME_KEY });
  }
}

/** Provides the user to the pages below. */
export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

/** Logs in with a password; the session cookie is set by the server. */
export async function logIn(login: string, password: string): Promise<Me> {
  const me = await api<Me>('POST', '/session', { login, password });
  setCsrfToken(me.csrfToken);
  return me;
}

/** Logs out, forgets everything cached, and goes to the start page: the next user starts there. */
export function useLogOut() {
  const client = useQueryClient();
  return async () => {
    await api('DELETE', '/session').catch(() => undefined);
    setCsrfToken(null);
    // Tell the page nobody is logged in first, then forget the rest of what was cached.
    client.setQueryData(ME_KEY, null);
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
    navigate('/', { replace: true });
  };
}
