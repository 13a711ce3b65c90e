import type { JsonSchema } from '../../types.ts';
import { SchemaForm } from '../../components/SchemaForm.tsx';
import { isRecord } from '../task-draft.ts';
import { JsonTextArea } from '../JsonTextArea.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaSelect } from './SchemaSelect.tsx';
import { defaultValue, fieldId, helpOf } from './schema-shape.ts';

const isConstant = (variant: JsonSchema) => 'const' in variant;

/** The variant a value belongs to: its literal, else the first variant of its JSON type. */
function variantIndex(variants: JsonSchema[], value: unknown): number {
  const literal = variants.findIndex((variant) => isConstant(variant) && variant.const === value);
  if (literal !== -1) return literal;
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return variants.findIndex(
    (variant) =>
      !isConstant(variant) &&
      (variant.type === type || (type === 'number' && variant.type === 'integer')),
  );
}

function variantLabel(variant: JsonSchema): string {
  if (variant.title) return variant.title;
  if (isConstant(variant)) return String(variant.const);
  return variant.type === 'object' ? 'Custom…' : `Other (${variant.type ?? 'value'})`;
}

/** One of several kinds of value (a named period, or a custom range): a select, then its form. */
export function SchemaUnionField(props: SchemaFieldProps & { variants: JsonSchema[] }) {
  const { name, schema, value, required, onChange, pointer, issueAt, variants } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const index = variantIndex(variants, value ?? schema.default);
  const chosen = variants[index];
  const error = chosen && !isConstant(chosen) ? undefined : issueAt(pointer);
  const choose = (at: number | undefined) => {
    const variant = at === undefined ? undefined : variants[at];
    onChange(!variant ? undefined : isConstant(variant) ? variant.const : defaultValue(variant));
  };
  return (
    <>
      <SchemaSelect
        id={id}
        name={name}
        schema={schema}
        required={required}
        help={help}
        error={error}
        labels={variants.map((variant) => variantLabel(variant))}
        selected={index}
        onPick={choose}
      />
      {chosen && !isConstant(chosen) ? (
        chosen.type === 'object' && isRecord(value) ? (
          <div className="schema-nested">
            <SchemaForm
              schema={chosen}
              value={value}
              onChange={onChange}
              pointer={pointer}
              issueAt={issueAt}
            />
          </div>
        ) : (
          <JsonTextArea
            id={`${id}-json`}
            label="Value (JSON)"
            value={value}
            onChange={onChange}
            error={issueAt(pointer)}
          />
        )
      ) : null}
    </>
  );
}
