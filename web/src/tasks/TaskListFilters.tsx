import { useEffect, useState, type FormEvent } from 'react';
import { TaskOwnerFilter } from './TaskOwnerFilter.tsx';
import type { TaskFilters } from './useTaskListState.ts';

/** Waits this long after the last key before searching, so typing does not send a request per key. */
const SEARCH_DELAY_MS = 300;

/** Search, whose tasks (for administrators also one user's), enabled filter and sort. */
export function TaskListFilters(props: {
  filters: TaskFilters;
  onChange: (change: Partial<TaskFilters>) => void;
  isAdmin: boolean;
}) {
  const { filters, onChange, isAdmin } = props;
  const [text, setText] = useState(filters.q);
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => onChange({ q: text }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, filters.q, onChange]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ q: text });
  };
  return (
    <form role="search" className="toolbar task-filters" onSubmit={submit}>
      <label>
        Search
        <input
          type="search"
          value={text}
          placeholder="Name or description"
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <TaskOwnerFilter
        scope={filters.scope}
        owner={filters.owner}
        isAdmin={isAdmin}
        onChange={onChange}
      />
      <label>
        Show
        <select
          value={filters.enabled}
          onChange={(event) => onChange({ enabled: event.target.value as TaskFilters['enabled'] })}
        >
          <option value="">All tasks</option>
          <option value="true">Enabled only</option>
          <option value="false">Disabled only</option>
        </select>
      </label>
      <label>
        Sort by
        <select
          value={filters.sort}
          onChange={(event) => onChange({ sort: event.target.value as TaskFilters['sort'] })}
        >
          <option value="">Default</option>
          <option value="name">Name</option>
          <option value="updatedAt">Last changed</option>
          <option value="createdAt">Newest</option>
        </select>
      </label>
    </form>
  );
}
