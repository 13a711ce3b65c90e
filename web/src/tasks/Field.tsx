import type { ReactNode } from 'react';

/** The ARIA attributes that tie a control to its help text and its error. */
export function describedBy(id: string, hasHelp: boolean, error: string | undefined) {
  const ids = [hasHelp ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean);
  return {
    id,
    'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined,
    'aria-invalid': error ? true : undefined,
  };
}

/** Props of a labelled form field. */
export interface FieldProps {
  /** The control's id (give the control describedBy(id, …)). */
  id: string;
  label: ReactNode;
  help?: ReactNode | undefined;
  error?: string | undefined;
  /** A checkbox: the label follows the control on the same line. */
  inline?: boolean;
  children: ReactNode;
}

/** A control with its label, help text and the API's error for it. */
export function Field({ id, label, help, error, inline = false, children }: FieldProps) {
  const labelElement = <label htmlFor={id}>{label}</label>;
  return (
    <div className={inline ? 'field field-inline' : 'field'}>
      {inline ? (
        <span className="field-inline-row">
          {children}
          {labelElement}
        </span>
      ) : (
        <>
          {labelElement}
          {children}
        </>
      )}
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
    </div>
  );
}
