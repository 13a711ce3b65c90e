import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, query } from '../api.ts';
import type { Page } from '../types.ts';
import type { User } from './admin-types.ts';

export const USERS_KEY = ['users'];
const PAGE_SIZE = 50;

/** One page of users matching a search. */
export function useUsers(search: string, cursor: string | null) {
  return useQuery({
    queryKey: [...USERS_KEY, { search, cursor }],
    queryFn: () =>
      api<Page<User>>('GET', `/users${query({ q: search, cursor, limit: PAGE_SIZE })}`),
    placeholderData: keepPreviousData,
  });
}

/** One user, fresh (refreshed with the list). */
export function useUser(userId: string) {
  return useQuery({
    queryKey: [...USERS_KEY, 'one', userId],
    queryFn: () => api<User>('GET', `/users/${encodeURIComponent(userId)}`),
  });
}
