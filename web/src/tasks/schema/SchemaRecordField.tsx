import { useRef, useState } from 'react';
import { controlProps } from '../../components/Field.tsx';
import { isRecord } from '../task-draft.ts';
import type { SchemaFieldProps } from './schema-field-props.ts';
import { RemoveRowButton, SchemaRows } from './SchemaRows.tsx';
import { fieldId, labelOf, helpOf } from './schema-shape.ts';

interface Row {
  rowKey: number;
  name: string;
  value: string;
}

const rowsOf = (value: unknown): Row[] =>
  Object.entries(isRecord(value) ? value : {}).map(([name, text], rowKey) => ({
    rowKey,
    name,
    value: typeof text === 'string' ? text : JSON.stringify(text),
  }));

/** A JSON pointer segment: ~ and / escaped (RFC 6901). */
const segment = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Named values (headers, environment variables) as name/value rows. The rows live here, since an
 * object cannot hold a half-typed or repeated name while someone edits it.
 */
export function SchemaRecordField(props: SchemaFieldProps) {
  const { name, schema, value, required, onChange, pointer, issueAt } = props;
  const id = fieldId(pointer);
  const help = helpOf(name, schema);
  const label = labelOf(name, schema);
  const [rows, setRows] = useState<Row[]>(() => rowsOf(value));
  const nextKey = useRef(rows.length);
  const update = (next: Row[]) => {
    setRows(next);
    onChange(
      Object.fromEntries(next.filter((row) => row.name !== '').map((row) => [row.name, row.value])),
    );
  };
  const edit = (rowKey: number, change: Partial<Row>) =>
    update(rows.map((row) => (row.rowKey === rowKey ? { ...row, ...change } : row)));
  const add = () => {
    const rowKey = nextKey.current++;
    update([...rows, { rowKey, name: '', value: '' }]);
    requestAnimationFrame(() => document.getElementById(`${id}-${rowKey}-name`)?.focus());
  };
  const remove = (rowKey: number) => {
    update(rows.filter((row) => row.rowKey !== rowKey));
    document.getElementById(`${id}-add`)?.focus();
  };
  const rowError = (row: Row): string | undefined =>
    row.name ? issueAt(`${pointer}/${segment(row.name)}`) : undefined;

  const recordError = rows.some(rowError) ? undefined : issueAt(pointer);
  return (
    <SchemaRows
      id={id}
      name={name}
      schema={schema}
      required={required}
      help={help}
      label={label}
      error={recordError}
      className="schema-record"
      onAdd={add}
    >
      {rows.map((row, index) => {
        const rowId = `${id}-${row.rowKey}`;
        const error = rowError(row);
        return (
          <li key={row.rowKey}>
            <label htmlFor={`${rowId}-name`} className="visually-hidden">
              {label} {index + 1}: name
            </label>
            <input
              {...controlProps(`${rowId}-name`, false, error)}
              type="text"
              placeholder="Name"
              value={row.name}
              onChange={(event) => edit(row.rowKey, { name: event.target.value })}
            />
            <label htmlFor={`${rowId}-value`} className="visually-hidden">
              {label} {index + 1}: value
            </label>
            <input
              id={`${rowId}-value`}
              type="text"
              placeholder="Value"
              value={row.value}
              onChange={(event) => edit(row.rowKey, { value: event.target.value })}
            />
            <RemoveRowButton label={label} number={index + 1} onRemove={() => remove(row.rowKey)} />
            {error ? (
              <span id={`${rowId}-name-error`} className="field-error">
                {error}
              </span>
            ) : null}
          </li>
        );
      })}
    </SchemaRows>
  );
}
