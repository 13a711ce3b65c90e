import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import { isDone, type OutboxMessage } from './mail-types.ts';

/** While mail waits or is being sent, its state is looked at this often. */
const WAITING_REFRESH_MS = 5_000;

/** The query key of a run's mail. */
export const runMessagesKey = (runId: string) => ['run-messages', runId] as const;

/** The mail a run queued, refreshing by itself while some of it is not done. */
export function useRunMessages(runId: string) {
  return useQuery({
    queryKey: runMessagesKey(runId),
    queryFn: () => api<OutboxMessage[]>('GET', `/runs/${encodeURIComponent(runId)}/messages`),
    refetchInterval: (current) =>
      current.state.data?.some((message) => !isDone(message)) ? WAITING_REFRESH_MS : false,
  });
}
