import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaSelect } from './SchemaSelect.tsx';
import { fieldId, helpOf } from './schema-shape.ts';

/** One of fixed values (an enum, or a union of literals) as a select. */
export function SchemaChoiceField(
  props: SchemaFieldProps & { options: Array<{ value: unknown; label: string }> },
) {
  const { name, schema, value, required, onChange, pointer, issueAt, options } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const error = issueAt(pointer);
  return (
    <SchemaSelect
      id={id}
      name={name}
      schema={schema}
      required={required}
      help={help}
      error={error}
      labels={options.map((option) => option.label)}
      selected={options.findIndex((option) => option.value === (value ?? schema.default))}
      onPick={(index) => onChange(index === undefined ? undefined : options[index]?.value)}
    />
  );
}
