import { describedBy, Field } from '../Field.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaLabel } from './SchemaLabel.tsx';
import { fieldId, helpOf } from './schema-shape.ts';

/** One of fixed values (an enum, or a union of literals) as a select. */
export function SchemaChoiceField(
  props: SchemaFieldProps & { options: Array<{ value: unknown; label: string }> },
) {
  const { name, schema, value, required, onChange, pointer, issueAt, options } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const error = issueAt(pointer);
  // Options are told apart by position, since their values need not be strings.
  const selected = options.findIndex((option) => option.value === (value ?? schema.default));
  return (
    <Field
      id={id}
      label={<SchemaLabel name={name} schema={schema} required={required} />}
      help={help}
      error={error}
    >
      <select
        {...describedBy(id, !!help, error)}
        value={selected === -1 ? '' : String(selected)}
        onChange={(event) =>
          onChange(
            event.target.value === '' ? undefined : options[Number(event.target.value)]?.value,
          )
        }
      >
        {selected === -1 || !required ? <option value="">(not set)</option> : null}
        {options.map((option, index) => (
          <option key={index} value={String(index)}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
