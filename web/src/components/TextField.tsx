import type { InputHTMLAttributes, ReactNode } from 'react';
import { Field } from './Field.tsx';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'> & {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  help?: ReactNode;
};

/** A labelled text input: a Field holding an input that reports its text. */
export function TextField({ label, value, onChange, error, help, ...input }: Props) {
  return (
    <Field label={label} help={help} error={error}>
      {(control) => (
        <input
          {...input}
          {...control}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
