import type { ReactNode } from 'react';
import type { JsonSchema } from '../../types.ts';
import { groupDescription, SchemaLabel } from './SchemaLabel.tsx';

/** The frame of a field edited as rows (a list or a record): legend, help, rows, Add and its error. */
export function SchemaRows({
  id,
  name,
  schema,
  required,
  help,
  label,
  error,
  className,
  onAdd,
  children,
}: {
  id: string;
  name: string;
  schema: JsonSchema;
  required: boolean;
  help: string | undefined;
  label: string;
  /** The error about the whole field, shown when no row has one of its own. */
  error: string | undefined;
  className: string;
  onAdd: () => void;
  /** The rows, as list items. */
  children: ReactNode;
}) {
  return (
    <fieldset className={className} aria-describedby={groupDescription(id, help, error)}>
      <legend>
        <SchemaLabel name={name} schema={schema} required={required} />
      </legend>
      {help ? (
        <small id={`${id}-help`} className="muted field-help">
          {help}
        </small>
      ) : null}
      <ol className="schema-rows">{children}</ol>
      <button type="button" id={`${id}-add`} onClick={onAdd}>
        Add<span className="visually-hidden"> to {label}</span>
      </button>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A row's Remove button, named after the field and the row's number. */
export function RemoveRowButton({
  label,
  number,
  onRemove,
}: {
  label: string;
  number: number;
  onRemove: () => void;
}) {
  return (
    <button type="button" onClick={onRemove}>
      Remove
      <span className="visually-hidden">
        {' '}
        {label} {number}
      </span>
    </button>
  );
}
