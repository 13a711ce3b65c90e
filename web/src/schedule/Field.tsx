import { useId, type ReactNode } from 'react';

/** What a labelled control spreads onto its element: its id, and its hint and error wiring. */
export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

function describedBy(ids: Array<string | false>): { 'aria-describedby'?: string } {
  const present = ids.filter((id): id is string => id !== false);
  return present.length > 0 ? { 'aria-describedby': present.join(' ') } : {};
}

/** A control with its label, an optional hint and the API's message about it next to it. */
export function Field({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const control: ControlProps = {
    id,
    ...(error ? { 'aria-invalid': true } : {}),
    ...describedBy([hint !== undefined && `${id}-hint`, error !== undefined && `${id}-error`]),
  };
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(control)}
      {hint !== undefined && (
        <span id={`${id}-hint`} className="muted field-hint">
          {hint}
        </span>
      )}
      {error !== undefined && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** A group of checkboxes or radios under a legend, with a hint and the API's message. */
export function Group({
  legend,
  hint,
  error,
  className,
  children,
}: {
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset
      className={`group ${className ?? ''}`}
      {...(error ? { 'aria-invalid': true } : {})}
      {...describedBy([hint !== undefined && `${id}-hint`, error !== undefined && `${id}-error`])}
    >
      <legend>{legend}</legend>
      <div className="group-items">{children}</div>
      {hint !== undefined && (
        <span id={`${id}-hint`} className="muted field-hint">
          {hint}
        </span>
      )}
      {error !== undefined && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </fieldset>
  );
}

/** A checkbox with its label beside it. */
export function Check({
  label,
  checked,
  onChange,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>{label}</span>
    </label>
  );
}
