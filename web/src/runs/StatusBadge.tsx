import { words } from './run-types.ts';

/** A run's or an outcome's status, coloured by the shared status classes. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{words(status)}</span>;
}
