import { useId, type ReactNode } from 'react';
import './field.css';

/** What a labelled control spreads onto its element: its id, and its help and error wiring. */
export interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** The id of a field's help text and of its error, which its control names in aria-describedby. */
const helpId = (id: string) => `${id}-help`;
const errorId = (id: string) => `${id}-error`;

/** The attributes that tie a control to its help text and its error. */
export function controlProps(
  id: string,
  hasHelp: boolean,
  error: string | undefined,
): ControlProps {
  const ids = [hasHelp && helpId(id), error && errorId(id)].filter(Boolean);
  return {
    id,
    ...(error ? { 'aria-invalid': true } : {}),
    ...(ids.length > 0 ? { 'aria-describedby': ids.join(' ') } : {}),
  };
}

/** The help text and the API's message under a field or a group. */
function FieldNotes({
  id,
  help,
  error,
}: {
  id: string;
  help: ReactNode;
  error: string | undefined;
}) {
  return (
    <>
      {help ? (
        <small id={helpId(id)} className="muted field-help">
          {help}
        </small>
      ) : null}
      {error ? (
        <span id={errorId(id)} className="field-error">
          {error}
        </span>
      ) : null}
    </>
  );
}

export interface FieldProps {
  /** The control's id; one is made when not given. */
  id?: string;
  label: ReactNode;
  help?: ReactNode | undefined;
  error?: string | undefined;
  /** A checkbox: the label follows the control on the same line. */
  inline?: boolean;
  className?: string;
  /** The control, given its id and ARIA wiring to spread onto it. */
  children: (control: ControlProps) => ReactNode;
}

/** A control with its label, help text and the API's error for it next to it. */
export function Field({ id, label, help, error, inline = false, className, children }: FieldProps) {
  const madeId = useId();
  const controlId = id ?? madeId;
  const control = children(controlProps(controlId, !!help, error));
  const labelElement = <label htmlFor={controlId}>{label}</label>;
  const classes = ['field', inline && 'field-inline', className].filter(Boolean).join(' ');
  return (
    <div className={classes}>
      {inline ? (
        <span className="field-inline-row">
          {control}
          {labelElement}
        </span>
      ) : (
        <>
          {labelElement}
          {control}
        </>
      )}
      <FieldNotes id={controlId} help={help} error={error} />
    </div>
  );
}

/** A group of checkboxes or radios under a legend, with help text and the API's message. */
export function FieldGroup({
  legend,
  help,
  error,
  className,
  children,
}: {
  legend: ReactNode;
  help?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  const { id: _unused, ...wiring } = controlProps(id, !!help, error);
  return (
    <fieldset className={`group ${className ?? ''}`} {...wiring}>
      <legend>{legend}</legend>
      <div className="group-items">{children}</div>
      <FieldNotes id={id} help={help} error={error} />
    </fieldset>
  );
}

/** A checkbox with its label around it, for a row of choices in a group. */
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
