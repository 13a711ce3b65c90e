import { formatDuration } from './format.ts';
import type { RunView } from './run-types.ts';
import { StatusBadge } from './StatusBadge.tsx';

type Item = RunView['items'][number];
type Outcome = Item['components'][number];

/** A series item's values in one line, e.g. "region=north, day=3". */
function describeValues(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

function durationOf(outcome: Outcome): string {
  if (!outcome.startedAt || !outcome.finishedAt) return '—';
  return formatDuration(Date.parse(outcome.finishedAt) - Date.parse(outcome.startedAt));
}

function ComponentCells({ outcome }: { outcome: Outcome }) {
  return (
    <>
      <td>
        {outcome.kind} <span className="muted">({outcome.category})</span>
      </td>
      <td>
        <StatusBadge status={outcome.status} />
      </td>
      <td className="wrap">{outcome.message ?? ''}</td>
      <td className="optional">{durationOf(outcome)}</td>
    </>
  );
}

/** One item's rows: the item's cells span the rows of its components. */
function ItemRows({ item }: { item: Item }) {
  const span = Math.max(item.components.length, 1);
  const itemCell = (
    <th scope="rowgroup" rowSpan={span}>
      #{item.index + 1} <StatusBadge status={item.status} />
      <div className="muted wrap">{describeValues(item.values)}</div>
    </th>
  );
  const [first, ...rest] = item.components;
  return (
    <tbody>
      <tr>
        {itemCell}
        {first ? <ComponentCells outcome={first} /> : <td colSpan={4}>No components ran.</td>}
      </tr>
      {rest.map((outcome) => (
        <tr key={outcome.id}>
          <ComponentCells outcome={outcome} />
        </tr>
      ))}
    </tbody>
  );
}

/** How each item, and each job and action within it, fared. */
export function RunOutcomes({ items }: { items: RunView['items'] }) {
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="run-outcomes-heading">
      <h2 id="run-outcomes-heading">Outcomes</h2>
      <div className="table-scroll">
        <table className="outcomes">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Component</th>
              <th scope="col">Status</th>
              <th scope="col">Message</th>
              <th scope="col" className="optional">
                Duration
              </th>
            </tr>
          </thead>
          {items.map((item) => (
            <ItemRows key={item.index} item={item} />
          ))}
        </table>
      </div>
    </section>
  );
}
