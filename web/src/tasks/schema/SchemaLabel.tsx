import { controlProps } from '../../components/Field.tsx';
import type { JsonSchema } from '../../types.ts';
import { labelOf } from './schema-shape.ts';

/** A generated field's label; "required" only where the server has no default to fill in. */
export function SchemaLabel({
  name,
  schema,
  required,
}: {
  name: string;
  schema: JsonSchema;
  required: boolean;
}) {
  return (
    <>
      {labelOf(name, schema)}
      {required && !('default' in schema) ? <span className="muted"> (required)</span> : null}
    </>
  );
}

/** The aria-describedby of a group of fields: its help text and its error, when there are. */
export function groupDescription(
  id: string,
  help: string | undefined,
  error: string | undefined,
): string | undefined {
  return controlProps(id, !!help, error)['aria-describedby'];
}
