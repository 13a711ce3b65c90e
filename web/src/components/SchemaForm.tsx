import { SchemaField } from '../tasks/schema/SchemaField.tsx';
import { SchemaJsonField } from '../tasks/schema/SchemaJsonField.tsx';
import { isShown, withoutHidden } from '../tasks/schema/schema-shape.ts';
import type { JsonSchema } from '../types.ts';

/** Props of a form generated from a JSON Schema. */
export interface SchemaFormProps {
  /** An object schema, e.g. a component kind's configSchema. */
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  /** Where the value sits in the task, e.g. /jobs/0/config: the prefix of its fields' errors. */
  pointer: string;
  /** The API's message for a field by JSON pointer. */
  issueAt: (path: string) => string | undefined;
}

/**
 * A form for an object from its JSON Schema: one control per property (those with a showWhen
 * only while it holds, and without their value while it does not), help from the descriptions,
 * defaults filled in, and the API's errors beside the fields they name.
 */
export function SchemaForm({ schema, value, onChange, pointer, issueAt }: SchemaFormProps) {
  if (!schema.properties) {
    return (
      <SchemaJsonField
        name="config"
        schema={schema}
        value={value}
        required
        onChange={(next) =>
          onChange(
            typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {},
          )
        }
        pointer={pointer}
        issueAt={issueAt}
      />
    );
  }
  const properties = Object.entries(schema.properties);
  if (properties.length === 0) return <p className="muted">Nothing to set up.</p>;
  // A field that applies only to some values of another (showWhen) waits for one of them.
  const entries = properties.filter(([, property]) => isShown(property, schema, value));
  const required = new Set(schema.required ?? []);
  const setProperty = (name: string, next: unknown) => {
    const copy = { ...value };
    if (next === undefined) delete copy[name];
    else copy[name] = next;
    onChange(withoutHidden(schema, copy));
  };
  return (
    <div className="schema-form">
      {entries.map(([name, property]) => (
        <SchemaField
          key={name}
          name={name}
          schema={property}
          value={value[name]}
          required={required.has(name)}
          onChange={(next) => setProperty(name, next)}
          pointer={`${pointer}/${name}`}
          issueAt={issueAt}
        />
      ))}
    </div>
  );
}
