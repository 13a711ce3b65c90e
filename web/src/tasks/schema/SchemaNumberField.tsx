import { Field } from '../../components/Field.tsx';
import { NumberInput } from '../NumberInput.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaLabel } from './SchemaLabel.tsx';
import { fieldId, helpOf } from './schema-shape.ts';

/** A number field; empty leaves an optional field out. */
export function SchemaNumberField(props: SchemaFieldProps & { integer: boolean }) {
  const { name, schema, value, required, onChange, pointer, issueAt, integer } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const error = issueAt(pointer);
  return (
    <Field
      id={id}
      label={<SchemaLabel name={name} schema={schema} required={required} />}
      help={help}
      error={error}
    >
      {(control) => (
        <NumberInput
          {...control}
          value={value}
          integer={integer}
          min={schema.minimum}
          max={schema.maximum}
          onValue={onChange}
        />
      )}
    </Field>
  );
}
