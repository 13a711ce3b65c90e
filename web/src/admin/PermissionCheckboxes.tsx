import { useId } from 'react';
import { usePermissions } from './use-admin-lists.ts';

/** Toggles one name in a list. */
export function toggled(list: string[], name: string, on: boolean): string[] {
  return on ? [...new Set([...list, name])] : list.filter((item) => item !== name);
}

/** A checkbox for each known permission, with what it allows. */
export function PermissionCheckboxes({
  value,
  onChange,
  legend = 'Permissions',
  error,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  legend?: string;
  error?: string | undefined;
}) {
  const permissions = usePermissions();
  const errorId = useId();
  return (
    <fieldset
      aria-describedby={error ? errorId : undefined}
      aria-invalid={error ? true : undefined}
    >
      <legend>{legend}</legend>
      {permissions.isPending && <p className="muted">Loading permissions…</p>}
      {permissions.isError && <p role="alert">{permissions.error.message}</p>}
      <div className="checkbox-grid">
        {permissions.data?.map((permission) => (
          <label key={permission.name}>
            <input
              type="checkbox"
              checked={value.includes(permission.name)}
              onChange={(event) => onChange(toggled(value, permission.name, event.target.checked))}
            />
            <span>
              <code>{permission.name}</code>
              <br />
              <span className="muted">{permission.description}</span>
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
