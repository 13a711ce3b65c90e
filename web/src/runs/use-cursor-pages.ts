import { useState } from 'react';

/**
 * Paging through an API listing by its cursors: remembers the cursors of the pages seen so
 * "Previous" works too; starts over on page 1 whenever the filters (filterKey) change.
 */
export function useCursorPages(filterKey: string) {
  const [state, setState] = useState({ filterKey, cursors: [] as string[] });
  const cursors = state.filterKey === filterKey ? state.cursors : [];
  return {
    cursor: cursors.at(-1) ?? null,
    pageNumber: cursors.length + 1,
    next: (cursor: string) => setState({ filterKey, cursors: [...cursors, cursor] }),
    previous: () => setState({ filterKey, cursors: cursors.slice(0, -1) }),
  };
}
