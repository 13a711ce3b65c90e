import { toggled } from './PermissionCheckboxes.tsx';
import { useGroups } from './use-admin-lists.ts';

/** A checkbox for each group (for membership, or for who may use a data source). */
export function GroupCheckboxes({
  value,
  onChange,
  legend,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  legend: string;
}) {
  const groups = useGroups();
  if (groups.isError) return <p role="alert">{groups.error.message}</p>;
  if (!groups.data || groups.data.length === 0) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="checkbox-grid">
        {groups.data.map((group) => (
          <label key={group.id}>
            <input
              type="checkbox"
              checked={value.includes(group.id)}
              onChange={(event) => onChange(toggled(value, group.id, event.target.checked))}
            />
            <span>{group.name}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
