import type { ReactNode } from 'react';
import { Field } from './Field.tsx';

/** A labelled checkbox on its own line, with optional help text below. */
export function CheckboxField({
  label,
  checked,
  onChange,
  help,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help?: ReactNode;
}) {
  return (
    <Field label={label} help={help} inline>
      {(control) => (
        <input
          {...control}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
        />
      )}
    </Field>
  );
}
