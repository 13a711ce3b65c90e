import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaSelect } from './SchemaSelect.tsx';
import { fieldId, helpOf, textOf } from './schema-shape.ts';
import { useUsableDataSources } from './save-targets.ts';

const NONE_HELP =
  'There is no data source you may use yet: an administrator adds them in Settings, Data sources.';

/**
 * A data source picked from those the caller may query. A value not among them (a placeholder,
 * or one taken away since) stays offered as it is, so opening a task does not change it; saving
 * a new one the owner may not use is refused by the server, beside this field.
 */
export function SchemaDataSourceField(props: SchemaFieldProps) {
  const { name, schema, value, required, onChange, pointer, issueAt } = props;
  const sources = useUsableDataSources();
  const current = textOf(value);
  const names = (sources.data ?? []).map((source) => source.name);
  const options = current !== '' && !names.includes(current) ? [current, ...names] : names;
  const labels = options.map((option) => {
    const source = sources.data?.find((each) => each.name === option);
    return source ? `${source.name} (${source.kind})` : option;
  });
  const empty = sources.data !== undefined && sources.data.length === 0;
  const help = [helpOf(name, schema), empty ? NONE_HELP : ''].filter(Boolean).join(' ');
  return (
    <SchemaSelect
      id={fieldId(pointer)}
      name={name}
      schema={schema}
      required={required}
      help={help || undefined}
      error={issueAt(pointer) ?? (sources.error ? sources.error.message : undefined)}
      labels={labels}
      selected={options.indexOf(current)}
      onPick={(index) => onChange(index === undefined ? undefined : options[index])}
    />
  );
}
