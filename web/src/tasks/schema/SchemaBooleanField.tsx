import { Field } from '../../components/Field.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { labelOf, fieldId, helpOf } from './schema-shape.ts';

/** A yes/no field as a checkbox. */
export function SchemaBooleanField({
  name,
  schema,
  value,
  onChange,
  pointer,
  issueAt,
}: SchemaFieldProps) {
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const error = issueAt(pointer);
  const checked = typeof value === 'boolean' ? value : schema.default === true;
  return (
    <Field id={id} label={labelOf(name, schema)} help={help} error={error} inline>
      {(control) => (
        <input
          {...control}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
        />
      )}
    </Field>
  );
}
