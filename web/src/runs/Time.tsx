import { formatDateTime } from './format.ts';

/** A moment in the browser's zone; the exact instant is in the title and datetime. */
export function Time({ iso, zone = false }: { iso: string | null; zone?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso, { zone })}
    </time>
  );
}
