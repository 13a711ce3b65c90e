import type { SavedFiles } from '../../src/plugins/run-host.ts';

/** The files one task saved, kept in memory for component tests without a store. */
export function memorySavedFiles(): SavedFiles {
  const saved = new Map<string, Set<string>>();
  const namesOf = (folder: string) => saved.get(folder) ?? new Set<string>();
  return {
    namesIn: async (folder) => new Set(namesOf(folder)),
    record: async (folder, name) => {
      saved.set(folder, namesOf(folder).add(name));
    },
    forget: async (folder, name) => {
      namesOf(folder).delete(name);
    },
  };
}
