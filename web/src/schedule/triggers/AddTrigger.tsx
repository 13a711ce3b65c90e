import { useId, useState } from 'react';
import type { ComponentKind } from '../../types.ts';

/** Picks a kind and adds a trigger of it. */
export function AddTrigger({
  kinds,
  onAdd,
}: {
  kinds: ComponentKind[];
  onAdd: (kind: ComponentKind) => void;
}) {
  const id = useId();
  const usable = kinds.filter((kind) => kind.allowed);
  const [chosen, setChosen] = useState(
    () => (usable.find((kind) => kind.kind === 'time') ?? usable[0])?.kind ?? '',
  );
  const kind = usable.find((candidate) => candidate.kind === chosen);
  return (
    <div className="toolbar add-trigger">
      <div className="field">
        <label htmlFor={id}>Kind of trigger</label>
        <select id={id} value={chosen} onChange={(event) => setChosen(event.target.value)}>
          {kinds.map((candidate) => (
            <option key={candidate.kind} value={candidate.kind} disabled={!candidate.allowed}>
              {candidate.title}
              {candidate.allowed ? '' : ' (you lack the permission)'}
            </option>
          ))}
        </select>
      </div>
      <button type="button" disabled={!kind} onClick={() => kind && onAdd(kind)}>
        Add trigger
      </button>
    </div>
  );
}
