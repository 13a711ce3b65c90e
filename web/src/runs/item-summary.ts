import type { RunView } from './run-types.ts';

const LABELS: Record<string, string> = { succeeded: 'ok' };

/** How a run's items fared in a few words, e.g. "3 items: 2 ok, 1 failed". */
export function itemSummary(items: RunView['items']): string {
  if (items.length === 0) return '—';
  const counts = new Map<string, number>();
  for (const item of items) {
    const label = LABELS[item.status] ?? item.status.replace(/-/g, ' ');
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const parts = [...counts].map(([label, count]) =>
    items.length === 1 ? label : `${count} ${label}`,
  );
  return `${items.length} item${items.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
