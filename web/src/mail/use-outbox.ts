import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../api.ts';
import type { OutboxMessage, OutboxState } from './mail-types.ts';

/** The outbox is looked at this often while its page is open. */
const REFRESH_MS = 5_000;

/** The key every outbox query starts with, for refreshing them all. */
const OUTBOX_KEY = ['outbox'] as const;

/** How many messages are in each state, and since when the oldest waits. */
export interface OutboxCounts {
  byState: Record<OutboxState, number>;
  oldestWaitingSince: string | null;
}

/** A page of the outbox, newest first, of one state or all (asked only when enabled). */
export function useOutbox(state: OutboxState | null, cursor: string | null, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: [...OUTBOX_KEY, 'list', state, cursor],
    queryFn: () =>
      api<{ items: OutboxMessage[]; nextCursor: string | null }>(
        'GET',
        `/outbox${query({ state, cursor, limit: 50 })}`,
      ),
    refetchInterval: REFRESH_MS,
  });
}

export function useOutboxCounts() {
  return useQuery({
    queryKey: [...OUTBOX_KEY, 'counts'],
    queryFn: () => api<OutboxCounts>('GET', '/outbox/counts'),
    refetchInterval: REFRESH_MS,
  });
}

/** Retry now or cancel a message; the outbox refreshes after. */
export function useOutboxAction(action: 'retry' | 'cancel') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<OutboxMessage>('POST', `/outbox/${encodeURIComponent(id)}/${action}`),
    onSettled: () => client.invalidateQueries({ queryKey: OUTBOX_KEY }),
  });
}
