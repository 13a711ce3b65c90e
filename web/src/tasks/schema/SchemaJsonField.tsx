import { JsonTextArea } from '../JsonTextArea.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaLabel } from './SchemaLabel.tsx';
import { fieldId, helpOf } from './schema-shape.ts';

/** A field the form has no control for (a list of records, say), edited as JSON. */
export function SchemaJsonField({
  name,
  schema,
  value,
  required,
  onChange,
  pointer,
  issueAt,
}: SchemaFieldProps) {
  return (
    <JsonTextArea
      id={fieldId(pointer)}
      label={
        <>
          <SchemaLabel name={name} schema={schema} required={required} /> (JSON)
        </>
      }
      help={helpOf(name, schema)}
      value={value}
      onChange={onChange}
      error={issueAt(pointer)}
    />
  );
}
