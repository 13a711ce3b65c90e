import { SchemaForm } from '../../components/SchemaForm.tsx';
import { controlProps } from '../../components/Field.tsx';
import { isRecord } from '../task-draft.ts';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { defaultValue, fieldId, labelOf, helpOf } from './schema-shape.ts';

/** A nested object (an own SMTP server, say) as a group; an optional one is switched on first. */
export function SchemaObjectField(props: SchemaFieldProps) {
  const { name, schema, value, required, onChange, pointer, issueAt } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const label = labelOf(name, schema);
  const present = isRecord(value);
  const toggle = (on: boolean) => onChange(on ? defaultValue(schema) : undefined);
  return (
    <fieldset className="schema-object">
      <legend>{label}</legend>
      {required ? (
        help ? (
          <small className="muted field-help">{help}</small>
        ) : null
      ) : (
        <div className="field field-inline">
          <span className="field-inline-row">
            <input
              {...controlProps(`${id}-use`, !!help, undefined)}
              type="checkbox"
              checked={present}
              onChange={(event) => toggle(event.target.checked)}
            />
            <label htmlFor={`${id}-use`}>Set {label}</label>
          </span>
          {help ? (
            <small id={`${id}-use-help`} className="muted field-help">
              {help}
            </small>
          ) : null}
        </div>
      )}
      {present ? (
        <SchemaForm
          schema={schema}
          value={value}
          onChange={onChange}
          pointer={pointer}
          issueAt={issueAt}
        />
      ) : null}
    </fieldset>
  );
}
