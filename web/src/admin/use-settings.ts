import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { Settings } from './admin-types.ts';

const SETTINGS_KEY = ['settings'];

/** The server-wide settings. */
export function useSettings() {
  return useQuery({ queryKey: SETTINGS_KEY, queryFn: () => api<Settings>('GET', '/settings') });
}

/** Changes some settings (what is sent is replaced) and keeps the answer. */
export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<Settings>) => api<Settings>('PATCH', '/settings', patch),
    onSuccess: (saved) => client.setQueryData(SETTINGS_KEY, saved),
  });
}
