import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';

/** A data source as a planner sees it: what tasks call it, and its kind. */
export interface UsableDataSource {
  id: string;
  name: string;
  kind: string;
}

/** The same key as the administrators' list: a change there refreshes the pickers too. */
const DATA_SOURCES_KEY = ['data-sources'];
const FOLDERS_KEY = ['folders'];

/** The data sources the caller may query (all of them for administrators), by name. */
export function useUsableDataSources() {
  return useQuery({
    queryKey: DATA_SOURCES_KEY,
    queryFn: async () =>
      (await api<{ items: UsableDataSource[] }>('GET', '/data-sources')).items.map(
        ({ id, name, kind }) => ({ id, name, kind }),
      ),
  });
}

/** The folders an administrator allows, which every file and folder of a task must lie in. */
export function useAllowedFolders() {
  return useQuery({
    queryKey: FOLDERS_KEY,
    queryFn: async () => (await api<{ items: string[] }>('GET', '/folders')).items,
  });
}
