import { browserZone } from './format.ts';
import { STATUS_CHOICES, type RunFilterValues } from './run-filters.ts';

/** The status and time-range filters above a run history. */
export function RunFilters({
  value,
  onChange,
}: {
  value: RunFilterValues;
  onChange: (next: RunFilterValues) => void;
}) {
  const set = (field: keyof RunFilterValues) => (event: { target: { value: string } }) =>
    onChange({ ...value, [field]: event.target.value });
  return (
    <form
      className="toolbar"
      role="search"
      aria-label="Filter runs"
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        Status
        <select value={value.status} onChange={set('status')}>
          {STATUS_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>
          Queued from <span className="muted">({browserZone})</span>
        </span>
        <input type="datetime-local" value={value.from} onChange={set('from')} />
      </label>
      <label>
        <span>
          Queued before <span className="muted">({browserZone})</span>
        </span>
        <input type="datetime-local" value={value.to} onChange={set('to')} />
      </label>
      {(value.status || value.from || value.to) && (
        <button type="button" onClick={() => onChange({ status: '', from: '', to: '' })}>
          Clear filters
        </button>
      )}
    </form>
  );
}
