import { useState } from 'react';
import { query } from '../api.ts';
import { navigate, useLocation } from '../router.tsx';
import type { TaskListParams } from './task-queries.ts';

/** Tasks shown per page; the API allows up to 500, 50 keep the page light. */
export const PAGE_SIZE = 50;

/** Whose tasks the list shows: '' all the caller sees (an admin: everyone's), or one kind. */
export type TaskScopeFilter = '' | 'mine' | 'shared';

/** The list's filters, kept in the address so that reloading or coming back keeps them. */
export interface TaskFilters {
  q: string;
  enabled: '' | 'true' | 'false';
  scope: TaskScopeFilter;
  /** Administrators: one user's tasks (their id); '' for no such filter. */
  owner: string;
  sort: '' | 'name' | 'createdAt' | 'updatedAt';
}

function filtersOf(search: URLSearchParams): TaskFilters {
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | '' => {
    const value = search.get(name) ?? '';
    return (allowed as readonly string[]).includes(value) ? (value as T) : '';
  };
  return {
    q: search.get('q') ?? '',
    enabled: pick('enabled', ['true', 'false']),
    scope: pick('scope', ['mine', 'shared']),
    owner: search.get('owner') ?? '',
    sort: pick('sort', ['name', 'createdAt', 'updatedAt']),
  };
}

/**
 * The API's owner and scope parameters for the filters: one user's tasks (administrators), the
 * caller's own, those shared with them, or all they see (for administrators everyone's).
 */
function whoseParams(
  filters: TaskFilters,
  isAdmin: boolean,
): Pick<TaskListParams, 'owner' | 'scope'> {
  if (isAdmin && filters.owner !== '') return { owner: filters.owner };
  if (filters.scope !== '') return { scope: filters.scope };
  return isAdmin ? { scope: 'all' } : {};
}

/** The list's filters (in the address) and its page (a stack of cursors, for Previous). */
export function useTaskListState(isAdmin: boolean) {
  const { path, search } = useLocation();
  const filters = filtersOf(search);
  const filterKey = JSON.stringify(filters);
  const [pages, setPages] = useState<{ key: string; cursors: Array<string | undefined> }>({
    key: filterKey,
    cursors: [undefined],
  });
  // Other filters, other pages: start again at the first.
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];

  const setFilters = (change: Partial<TaskFilters>) => {
    const next = { ...filters, ...change };
    navigate(`${path}${query({ ...next })}`, { replace: true });
  };
  const params: TaskListParams = {
    limit: PAGE_SIZE,
    ...whoseParams(filters, isAdmin),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.enabled ? { enabled: filters.enabled } : {}),
    ...(filters.sort
      ? { sort: filters.sort, order: filters.sort === 'name' ? 'asc' : 'desc' }
      : {}),
  };
  const cursor = cursors.at(-1);
  if (cursor) params.cursor = cursor;

  return {
    filters,
    setFilters,
    params,
    pageNumber: cursors.length,
    next: (nextCursor: string) => setPages({ key: filterKey, cursors: [...cursors, nextCursor] }),
    previous: () => setPages({ key: filterKey, cursors: cursors.slice(0, -1) }),
  };
}
