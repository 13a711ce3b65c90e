import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { LdapSettings } from '../../../src/domain/ldap-settings.ts';
import type { OidcSettings as ServerOidcSettings } from '../../../src/domain/oidc-settings.ts';

export type { LdapSettings } from '../../../src/domain/ldap-settings.ts';

/** The OpenID provider as GET /settings/oidc answers: the secret masked, the redirect URI named. */
export type OidcSettings = ServerOidcSettings & { redirectUri?: string };

/** The settings of each outside identity source, by its path under /settings. */
export interface IdentitySettings {
  ldap: LdapSettings;
  oidc: OidcSettings;
}

/** An outside identity source's settings; null when it is not set up. */
export function useIdentitySettings<Source extends keyof IdentitySettings>(source: Source) {
  return useQuery({
    queryKey: ['settings', source],
    queryFn: () => api<IdentitySettings[Source] | null>('GET', `/settings/${source}`),
  });
}

/** Saves a source's settings (PUT) or switches it off (null), keeping the answer. */
export function useSaveIdentitySettings<Source extends keyof IdentitySettings>(source: Source) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (settings: IdentitySettings[Source] | null) => {
      const path = `/settings/${source}`;
      if (settings) return api<IdentitySettings[Source]>('PUT', path, settings);
      await api<null>('DELETE', path);
      return null;
    },
    onSuccess: (saved) => {
      client.setQueryData(['settings', source], saved);
      void client.invalidateQueries({ queryKey: ['sso'] });
    },
  });
}

/** Tries the stored LDAP directory: binds and counts users and mapped groups' members. */
export function useTestLdap() {
  return useMutation({
    mutationFn: () => api<{ ok: boolean; message: string }>('POST', '/settings/ldap/test'),
  });
}
