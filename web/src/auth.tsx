import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.ts';
import type { Me } from './types.ts';

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
    queryKey: ['me'],
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

/** Logs out and forgets everything cached. */
export function useLogOut() {
  const client = useQueryClient();
  return async () => {
    await api('DELETE', '/session').catch(() => undefined);
    setCsrfToken(null);
    // Tell the page nobody is logged in first, then forget the rest of what was cached.
    client.setQueryData(['me'], null);
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
  };
}
