import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';

/** One directory group whose members join a local group. */
export interface LdapGroupMapping {
  directoryGroup: string;
  groupId: string;
}

/** The LDAP directory as GET /settings/ldap answers (the password masked). */
export interface LdapSettings {
  url: string;
  startTls: boolean;
  caCertificate: string;
  allowPlaintext: boolean;
  bindDn: string;
  bindPassword: string;
  userBase: string;
  userFilter: string;
  loginAttribute: string;
  nameAttribute: string;
  mailAttribute: string;
  groupBase: string;
  groupFilter: string;
  memberAttribute: string;
  groupMap: LdapGroupMapping[];
  timeoutSeconds: number;
}

const KEY = ['settings', 'ldap'];

/** The directory users log in with; null when there is none. */
export function useLdapSettings() {
  return useQuery({
    queryKey: KEY,
    queryFn: () => api<LdapSettings | null>('GET', '/settings/ldap'),
  });
}

/** Saves the directory (PUT) or switches it off (null), keeping the answer. */
export function useSaveLdapSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (settings: LdapSettings | null) => {
      if (settings) return api<LdapSettings>('PUT', '/settings/ldap', settings);
      await api<null>('DELETE', '/settings/ldap');
      return null;
    },
    onSuccess: (saved) => client.setQueryData(KEY, saved),
  });
}

/** Tries the stored directory: binds and counts users and mapped groups' members. */
export function useTestLdap() {
  return useMutation({
    mutationFn: () => api<{ ok: boolean; message: string }>('POST', '/settings/ldap/test'),
  });
}
