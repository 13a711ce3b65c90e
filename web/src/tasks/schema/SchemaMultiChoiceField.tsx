import type { SchemaFieldProps } from './schema-field-props.ts';
import { groupDescription, SchemaLabel } from './SchemaLabel.tsx';
import { fieldId, helpOf } from './schema-shape.ts';

/** Several of fixed values (the HTTP methods that start a task, say) as checkboxes. */
export function SchemaMultiChoiceField(
  props: SchemaFieldProps & { options: Array<{ value: unknown; label: string }> },
) {
  const { name, schema, value, required, onChange, pointer, issueAt, options } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const error = issueAt(pointer);
  const chosen: unknown[] = Array.isArray(value) ? value : [];
  // Kept in the options' order, so the saved list does not depend on the order of the clicks.
  const toggle = (option: unknown, on: boolean) =>
    onChange(
      options
        .map((each) => each.value)
        .filter((each) => (each === option ? on : chosen.includes(each))),
    );
  return (
    <fieldset
      className="schema-choices"
      aria-describedby={groupDescription(id, help, error)}
      aria-invalid={error ? true : undefined}
    >
      <legend>
        <SchemaLabel name={name} schema={schema} required={required} />
      </legend>
      {options.map((option, index) => (
        <label key={index} className="inline">
          <input
            type="checkbox"
            id={`${id}-${index}`}
            checked={chosen.includes(option.value)}
            onChange={(event) => toggle(option.value, event.target.checked)}
          />
          {option.label}
        </label>
      ))}
      {help ? (
        <small id={`${id}-help`} className="muted field-help">
          {help}
        </small>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
