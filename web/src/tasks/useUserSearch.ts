import { useQuery } from '@tanstack/react-query';
import { api, query } from '../api.ts';
import type { Page } from '../types.ts';

/** A user as pickers show them. */
export interface UserSummary {
  id: string;
  login: string;
  displayName: string;
}

/** Users whose login or name matches the text (GET /users needs users.manage). */
export function useUserSearch(text: string, enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'search', text],
    queryFn: () => api<Page<UserSummary>>('GET', `/users${query({ q: text, limit: 20 })}`),
    enabled: enabled && text.trim() !== '',
    staleTime: 30_000,
  });
}
