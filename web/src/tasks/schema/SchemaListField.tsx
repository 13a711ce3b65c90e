import { useEffect, useState } from 'react';
import { controlProps } from '../../components/Field.tsx';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { RemoveRowButton, SchemaRows } from './SchemaRows.tsx';
import { fieldId, labelOf, textOf, helpOf } from './schema-shape.ts';

/** Text as the list's item type wants it; text that is no number stays for the server to name. */
function parseItem(text: string, itemType: 'string' | 'number' | 'integer'): unknown {
  if (itemType === 'string' || text.trim() === '') return text;
  const number = Number(text);
  return Number.isNaN(number) ? text : number;
}

/** A list of texts or numbers: one row per entry, added and removed with buttons. */
export function SchemaListField(
  props: SchemaFieldProps & { itemType: 'string' | 'number' | 'integer' },
) {
  const { name, schema, value, required, onChange, pointer, issueAt, itemType } = props;
  const items: unknown[] = Array.isArray(value) ? value : [];
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const label = labelOf(name, schema);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  useEffect(() => {
    if (focusIndex !== null) document.getElementById(`${id}-${focusIndex}`)?.focus();
  }, [focusIndex, id]);

  const rowErrors = items.map((_, index) => issueAt(`${pointer}/${index}`));
  const listError = rowErrors.some(Boolean) ? undefined : issueAt(pointer);
  const setItem = (index: number, text: string) =>
    onChange(items.map((item, at) => (at === index ? parseItem(text, itemType) : item)));
  const remove = (index: number) => {
    onChange(items.filter((_, at) => at !== index));
    setFocusIndex(null);
    document.getElementById(`${id}-add`)?.focus();
  };
  const add = () => {
    onChange([...items, '']);
    setFocusIndex(items.length);
  };

  return (
    <SchemaRows
      id={id}
      name={name}
      schema={schema}
      required={required}
      help={help}
      label={label}
      error={listError}
      className="schema-list"
      onAdd={add}
    >
      {items.map((item, index) => {
        const rowId = `${id}-${index}`;
        return (
          <li key={index}>
            <label htmlFor={rowId} className="visually-hidden">
              {label} {index + 1}
            </label>
            <input
              {...controlProps(rowId, false, rowErrors[index])}
              type="text"
              inputMode={itemType === 'string' ? 'text' : 'numeric'}
              value={textOf(item)}
              onChange={(event) => setItem(index, event.target.value)}
            />
            <RemoveRowButton label={label} number={index + 1} onRemove={() => remove(index)} />
            {rowErrors[index] ? (
              <span id={`${rowId}-error`} className="field-error">
                {rowErrors[index]}
              </span>
            ) : null}
          </li>
        );
      })}
    </SchemaRows>
  );
}
