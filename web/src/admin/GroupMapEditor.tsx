import { useDirectory } from '../tasks/grant-queries.ts';
import { fieldError } from './form-errors.ts';

/** A mapping row: an outside group (by the key field) and the local group its members join. */
type Row<Key extends string> = Record<Key, string> & { groupId: string };

/**
 * Rows of "outside group → local group" (LDAP group DNs, values of an SSO groups claim):
 * members of the first belong to the second while they are in it.
 */
export function GroupMapEditor<Key extends string>({
  mapping,
  onChange,
  error,
  keyField,
  keyLabel,
  placeholder,
  explanation,
}: {
  mapping: Array<Row<Key>>;
  onChange: (mapping: Array<Row<Key>>) => void;
  error: unknown;
  keyField: Key;
  keyLabel: string;
  placeholder: string;
  explanation: string;
}) {
  const directory = useDirectory('');
  const groups = directory.data?.groups ?? [];
  const change = (index: number, part: Partial<Row<Key>>) =>
    onChange(mapping.map((row, at) => (at === index ? { ...row, ...part } : row)));
  const emptyRow = { [keyField]: '', groupId: '' } as Row<Key>;
  return (
    <fieldset>
      <legend>Group mapping</legend>
      <p className="muted">{explanation} Mapping a group needs every permission it holds.</p>
      {mapping.length === 0 && <p>No group is mapped.</p>}
      {mapping.map((row, index) => {
        const keyError = fieldError(error, `/groupMap/${index}/${keyField}`);
        const groupError = fieldError(error, `/groupMap/${index}/groupId`);
        return (
          <div className="form-grid" key={index}>
            <label>
              {keyLabel} {index + 1}
              <input
                value={row[keyField]}
                required
                placeholder={placeholder}
                onChange={(event) =>
                  change(index, { [keyField]: event.target.value } as Partial<Row<Key>>)
                }
                aria-invalid={keyError !== undefined}
              />
              {keyError && <span className="field-error">{keyError}</span>}
            </label>
            <label>
              Local group {index + 1}
              <select
                value={row.groupId}
                required
                onChange={(event) =>
                  change(index, { groupId: event.target.value } as Partial<Row<Key>>)
                }
                aria-invalid={groupError !== undefined}
              >
                <option value="">Choose a group…</option>
                {groups.map((group) => (
                  <option key={group.id} value={group.id}>
                    {group.name}
                  </option>
                ))}
              </select>
              {groupError && <span className="field-error">{groupError}</span>}
            </label>
            <button type="button" onClick={() => onChange(mapping.filter((_, at) => at !== index))}>
              Remove mapping {index + 1}
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...mapping, emptyRow])}>
        Add a mapping
      </button>
    </fieldset>
  );
}
