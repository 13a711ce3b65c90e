import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, query } from '../api.ts';
import type { Page } from '../types.ts';
import { isActive, type RunView } from './run-types.ts';

/** While runs in view are active they are watched closely; the first page also picks up new runs. */
const ACTIVE_REFRESH_MS = 2_000;
const FIRST_PAGE_REFRESH_MS = 15_000;

export interface RunListParams {
  taskId?: string | undefined;
  status?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | null | undefined;
  limit?: number;
}

/** One page of GET /runs, refreshing by itself while it shows runs that have not ended. */
export function useRuns(params: RunListParams) {
  return useQuery({
    queryKey: ['runs', params],
    queryFn: () => api<Page<RunView>>('GET', `/runs${query({ limit: 50, ...params })}`),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => {
      if (current.state.data?.items.some((run) => isActive(run.status))) return ACTIVE_REFRESH_MS;
      return params.cursor ? false : FIRST_PAGE_REFRESH_MS;
    },
  });
}
