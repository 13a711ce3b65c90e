import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { isActive, type RunView } from './run-types.ts';

/** Outcomes fill in as a run goes; the log's end event refreshes at once too. */
const ACTIVE_REFRESH_MS = 3_000;

/** The query key of one run, for refreshing it. */
export const runKey = (runId: string) => ['run', runId] as const;

/** One run, refreshing by itself until it has ended. */
export function useRun(runId: string) {
  return useQuery({
    queryKey: runKey(runId),
    queryFn: () => api<RunView>('GET', `/runs/${encodeURIComponent(runId)}`),
    refetchInterval: (current) =>
      current.state.data && isActive(current.state.data.status) ? ACTIVE_REFRESH_MS : false,
  });
}
