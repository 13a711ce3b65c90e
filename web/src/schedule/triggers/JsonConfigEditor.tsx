import { useState } from 'react';
import type { JsonSchema } from '../../types.ts';
import { Field } from '../../components/Field.tsx';

function parseObject(text: string): { config: Record<string, unknown> } | { error: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { error: 'The settings must be a JSON object: { … }.' };
    }
    return { config: value as Record<string, unknown> };
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
}

/** The settings of a component as JSON text, for kinds without a form of their own. */
export function JsonConfigEditor({
  config,
  schema,
  error,
  onChange,
}: {
  config: Record<string, unknown>;
  schema: JsonSchema | undefined;
  /** The API's message about the config. */
  error: string | undefined;
  onChange: (config: Record<string, unknown>) => void;
}) {
  // The text is kept as typed: reformatting it while the user types would move the cursor.
  const [text, setText] = useState(() => JSON.stringify(config, null, 2));
  const [parseError, setParseError] = useState<string | undefined>();
  const edit = (next: string) => {
    setText(next);
    const parsed = parseObject(next);
    if ('error' in parsed) setParseError(parsed.error);
    else {
      setParseError(undefined);
      onChange(parsed.config);
    }
  };
  return (
    <>
      <Field
        label="Settings (JSON)"
        error={parseError ?? error}
        {...(parseError
          ? { help: 'The last valid settings are kept until the text is valid.' }
          : {})}
      >
        {(control) => (
          <textarea
            {...control}
            className="mono"
            rows={Math.min(20, Math.max(4, text.split('\n').length + 1))}
            spellCheck={false}
            value={text}
            onChange={(event) => edit(event.target.value)}
          />
        )}
      </Field>
      {schema && <SchemaFields schema={schema} />}
    </>
  );
}

/** The fields the kind's config schema names, so the JSON can be written without the docs. */
function SchemaFields({ schema }: { schema: JsonSchema }) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="muted">This kind has no settings: {'{}'}.</p>;
  const required = new Set(schema.required ?? []);
  return (
    <details className="schema-fields">
      <summary>Fields</summary>
      <dl>
        {properties.map(([name, property]) => (
          <div key={name}>
            <dt>
              <code>{name}</code>{' '}
              {property.type && <span className="muted">({property.type})</span>}
              {required.has(name) && property.default === undefined && ' required'}
            </dt>
            <dd>
              {property.description ?? property.title ?? ''}
              {property.default !== undefined && (
                <span className="muted"> Default: {JSON.stringify(property.default)}.</span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
