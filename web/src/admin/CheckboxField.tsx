import type { ReactNode } from 'react';

/** A labelled checkbox with an optional hint below. */
export function CheckboxField({
  label,
  checked,
  onChange,
  hint,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
}) {
  return (
    <div className="field">
      <label className="inline">
        <input
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
        />
        {label}
      </label>
      {hint && <span className="muted">{hint}</span>}
    </div>
  );
}
