import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { Group, Permission } from './admin-types.ts';

export const GROUPS_KEY = ['groups'];

/** The permissions that can be granted; they change only with the server. */
export function usePermissions() {
  return useQuery({
    queryKey: ['permissions'],
    queryFn: async () => (await api<{ items: Permission[] }>('GET', '/permissions')).items,
    staleTime: Infinity,
  });
}

/** Every group (there are few: the API does not page them). */
export function useGroups() {
  return useQuery({
    queryKey: GROUPS_KEY,
    queryFn: async () => (await api<{ items: Group[] }>('GET', '/groups')).items,
  });
}
