import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { NoticesDraft } from '../tasks/notices-draft.ts';
import type { TaskGrant } from '../types.ts';
import type { Limits, Settings } from './admin-types.ts';

const SETTINGS_KEY = ['settings'];

/** The settings as GET /settings answers: with the rights list every new task starts with. */
export type ServerSettings = Settings & { newTaskGrants: TaskGrant[] };

/**
 * A change to the settings: what is sent is replaced; of the limits, each one sent. A limit
 * may be sent as the text typed when it is no number, for the server to name what is wrong;
 * notices without a quiet period take the server's default one.
 */
export type SettingsPatch = Partial<Omit<ServerSettings, 'limits' | 'notices'>> & {
  limits?: { [Key in keyof Limits]?: Limits[Key] | string };
  notices?: NoticesDraft;
};

/** The server-wide settings. */
export function useSettings() {
  return useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: () => api<ServerSettings>('GET', '/settings'),
  });
}

/** Changes some settings (what is sent is replaced) and keeps the answer. */
export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => api<ServerSettings>('PATCH', '/settings', patch),
    onSuccess: (saved) => client.setQueryData(SETTINGS_KEY, saved),
  });
}
