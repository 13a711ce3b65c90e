import { useState } from 'react';
import type { ComponentKind } from '../../types.ts';
import { Field } from '../../components/Field.tsx';

/** Picks a kind and adds a trigger of it. */
export function AddTrigger({
  kinds,
  onAdd,
}: {
  kinds: ComponentKind[];
  onAdd: (kind: ComponentKind) => void;
}) {
  const usable = kinds.filter((kind) => kind.allowed);
  const [chosen, setChosen] = useState(
    () => (usable.find((kind) => kind.kind === 'time') ?? usable[0])?.kind ?? '',
  );
  const kind = usable.find((candidate) => candidate.kind === chosen);
  return (
    <div className="toolbar add-trigger">
      <Field label="Kind of trigger">
        {(control) => (
          <select {...control} value={chosen} onChange={(event) => setChosen(event.target.value)}>
            {kinds.map((candidate) => (
              <option key={candidate.kind} value={candidate.kind} disabled={!candidate.allowed}>
                {candidate.title}
                {candidate.allowed ? '' : ' (you lack the permission)'}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="button" disabled={!kind} onClick={() => kind && onAdd(kind)}>
        Add trigger
      </button>
    </div>
  );
}
