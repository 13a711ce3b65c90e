import { useQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { DataSource } from './admin-types.ts';

export const DATA_SOURCES_KEY = ['data-sources'];

/** Every data source, with the details an administrator sees. */
export function useDataSources() {
  return useQuery({
    queryKey: DATA_SOURCES_KEY,
    queryFn: async () => (await api<{ items: DataSource[] }>('GET', '/data-sources')).items,
  });
}
