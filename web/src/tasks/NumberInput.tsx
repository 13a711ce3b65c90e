import type { InputHTMLAttributes } from 'react';

type NumberInputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'type' | 'min' | 'max'
> & {
  value: unknown;
  integer: boolean;
  min?: number | undefined;
  max?: number | undefined;
  /** The number typed; undefined when the field is empty. */
  onValue: (value: number | undefined) => void;
};

/** A number input that hands over numbers, not text; out-of-range values go to the server to judge. */
export function NumberInput({ value, integer, min, max, onValue, ...rest }: NumberInputProps) {
  return (
    <input
      {...rest}
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      step={integer ? 1 : 'any'}
      min={min}
      max={max}
      value={typeof value === 'number' ? value : ''}
      onChange={(event) =>
        onValue(event.target.value === '' ? undefined : event.target.valueAsNumber)
      }
    />
  );
}
