import { useCallback, useState } from 'react';

/** The tasks ticked in the list, by id; kept while paging, so a selection may span pages. */
export function useTaskSelection() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** Ticks (or unticks) the tasks. */
  const select = useCallback((ids: readonly string[], on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Set()), []);
  return { selected, select, clear };
}

/** What the list needs to tick tasks. */
export type TaskSelection = ReturnType<typeof useTaskSelection>;
