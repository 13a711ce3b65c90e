import { Field } from '../../components/Field.tsx';
import type { JsonSchema } from '../../types.ts';
import { SchemaLabel } from './SchemaLabel.tsx';

/**
 * A schema field picked from a select. Options are told apart by position, since what they stand
 * for need not be a string; an empty choice is offered while nothing is chosen or when optional.
 */
export function SchemaSelect({
  id,
  name,
  schema,
  required,
  help,
  error,
  labels,
  selected,
  onPick,
}: {
  id: string;
  name: string;
  schema: JsonSchema;
  required: boolean;
  help: string | undefined;
  error: string | undefined;
  labels: string[];
  /** The chosen option's position, or -1. */
  selected: number;
  /** The picked option's position, or undefined for the empty choice. */
  onPick: (index: number | undefined) => void;
}) {
  return (
    <Field
      id={id}
      label={<SchemaLabel name={name} schema={schema} required={required} />}
      help={help}
      error={error}
    >
      {(control) => (
        <select
          {...control}
          value={selected === -1 ? '' : String(selected)}
          onChange={(event) =>
            onPick(event.target.value === '' ? undefined : Number(event.target.value))
          }
        >
          {selected === -1 || !required ? <option value="">(not set)</option> : null}
          {labels.map((label, index) => (
            <option key={index} value={String(index)}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
