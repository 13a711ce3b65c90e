import type { JsonSchema } from '../../types.ts';

/** What every generated field gets: its schema, value, place in the task, and the API's errors. */
export interface SchemaFieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  /** Whether the schema requires the field; an optional field left empty is left out. */
  required: boolean;
  /** The new value; undefined removes the field. */
  onChange: (value: unknown) => void;
  /** The field's JSON pointer in the task, e.g. /jobs/0/config/url: its errors' address. */
  pointer: string;
  issueAt: (path: string) => string | undefined;
}
