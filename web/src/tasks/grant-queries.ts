import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, query } from '../api.ts';
import type { Directory, NamedGrant, TaskGrant } from '../types.ts';

/** The directory's answer size: enough for a picker, and for naming the default rights list. */
const DIRECTORY_LIMIT = 50;

const grantsPath = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}/grants`;

/** The query key of a task's rights list. */
export const grantsKey = (taskId: string) => ['task', taskId, 'grants'];

/** A task's rights list, with the names of its users and groups; none for a new task (null). */
export function useTaskGrants(taskId: string | null) {
  return useQuery({
    queryKey: grantsKey(taskId ?? ''),
    queryFn: async () =>
      (await api<{ grants: NamedGrant[] }>('GET', grantsPath(taskId ?? ''))).grants,
    enabled: taskId !== null,
    refetchOnMount: 'always',
  });
}

/** Replaces a task's rights list; resolves to the list as stored. */
export async function saveTaskGrants(taskId: string, grants: TaskGrant[]): Promise<NamedGrant[]> {
  const body = { grants: grants.map(({ subject, level }) => ({ subject, level })) };
  return (await api<{ grants: NamedGrant[] }>('PUT', grantsPath(taskId), body)).grants;
}

/** Users and groups whose names match the text; the last answer stays while the next loads. */
export function useDirectory(text: string, enabled = true) {
  return useQuery({
    queryKey: ['directory', text],
    queryFn: () => api<Directory>('GET', `/directory${query({ q: text, limit: DIRECTORY_LIMIT })}`),
    enabled,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}
