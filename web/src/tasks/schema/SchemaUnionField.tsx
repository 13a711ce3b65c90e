import { useState } from 'react';
import type { JsonSchema } from '../../types.ts';
import { SchemaForm } from '../../components/SchemaForm.tsx';
import { isRecord } from '../task-draft.ts';
import { JsonTextArea } from '../JsonTextArea.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { SchemaSelect } from './SchemaSelect.tsx';
import { defaultValue, fieldId, helpOf } from './schema-shape.ts';
import { fitsVariant, hasForm, isConstant, variantIndex, variantLabel } from './union-variants.ts';

/**
 * One of several kinds of value (a named period or a custom range; a calendar file or URL): a
 * select of the variants, then the chosen one's form. Picking another variant starts it afresh
 * from its defaults, keeping nothing of the one before.
 */
export function SchemaUnionField(props: SchemaFieldProps & { variants: JsonSchema[] }) {
  const { name, schema, value, required, onChange, pointer, issueAt, variants } = props;
  const id = fieldId(pointer);
  const current = value ?? schema.default;
  // The pick holds while the value still fits it: variants alike (both {} at first) stay apart.
  const [picked, setPicked] = useState<number | null>(null);
  const pickedFits = picked !== null && fitsVariant(variants[picked] ?? {}, current);
  const index = pickedFits ? picked : variantIndex(variants, current);
  const chosen = variants[index];
  const asForm = chosen !== undefined && hasForm(chosen) && isRecord(value);
  const asJson = chosen !== undefined && !isConstant(chosen) && !asForm;
  const choose = (at: number | undefined) => {
    const variant = at === undefined ? undefined : variants[at];
    setPicked(at ?? null);
    onChange(!variant ? undefined : isConstant(variant) ? variant.const : defaultValue(variant));
  };
  return (
    <>
      <SchemaSelect
        id={id}
        name={name}
        schema={schema}
        required={required}
        help={helpOf(name, schema)}
        error={asJson ? undefined : issueAt(pointer)}
        labels={variants.map(variantLabel)}
        selected={index}
        onPick={choose}
      />
      {asForm ? (
        <div className="schema-nested">
          <SchemaForm
            schema={chosen}
            value={value}
            onChange={onChange}
            pointer={pointer}
            issueAt={issueAt}
          />
        </div>
      ) : null}
      {asJson ? (
        <JsonTextArea
          id={`${id}-json`}
          label="Value (JSON)"
          value={value}
          onChange={onChange}
          error={issueAt(pointer)}
        />
      ) : null}
    </>
  );
}
