import { localInputToIso } from './format.ts';
import { RUN_STATUSES, words } from './run-types.ts';

/** The filters of a run history, as the page's query string keeps them (so links share them). */
export interface RunFilterValues {
  status: string;
  /** datetime-local values, in the browser's zone. */
  from: string;
  to: string;
}

/** The choices of the status filter: groups first, then each status. */
export const STATUS_CHOICES: Array<{ value: string; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'queued,running', label: 'Active (queued or running)' },
  { value: 'failed,partially-failed,timed-out,interrupted', label: 'Failed in any way' },
  ...RUN_STATUSES.map((status) => ({ value: status, label: words(status) })),
];

/** The filters in a query string. */
export function filtersFrom(search: URLSearchParams): RunFilterValues {
  return {
    status: search.get('status') ?? '',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
  };
}

/** The GET /runs parameters for filters: times as instants. */
export function apiParams(filters: RunFilterValues) {
  return {
    status: filters.status || undefined,
    from: localInputToIso(filters.from),
    to: localInputToIso(filters.to),
  };
}
