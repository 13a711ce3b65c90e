import type { Group } from './admin-types.ts';
import { toggled } from './PermissionCheckboxes.tsx';
import { useGroups } from './use-admin-lists.ts';

/** Roles first, each part by name. */
export function rolesFirst(groups: readonly Group[]): Group[] {
  return [...groups].sort(
    (a, b) => Number(b.role) - Number(a.role) || a.name.localeCompare(b.name),
  );
}

function GroupCheckbox({
  group,
  checked,
  onChange,
  marked,
}: {
  group: Group;
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** Mark a role as one (where roles and other groups share a list). */
  marked: boolean;
}) {
  return (
    <label>
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>
        {group.name}
        {marked && group.role && <span className="marker">role</span>}
        {group.description && (
          <>
            <br />
            <span className="muted">{group.description}</span>
          </>
        )}
      </span>
    </label>
  );
}

function GroupFieldset({
  legend,
  groups,
  value,
  onChange,
  markRoles,
}: {
  legend: string;
  groups: Group[];
  value: string[];
  onChange: (next: string[]) => void;
  markRoles: boolean;
}) {
  if (groups.length === 0) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="checkbox-grid">
        {groups.map((group) => (
          <GroupCheckbox
            key={group.id}
            group={group}
            marked={markRoles}
            checked={value.includes(group.id)}
            onChange={(checked) => onChange(toggled(value, group.id, checked))}
          />
        ))}
      </div>
    </fieldset>
  );
}

/**
 * A checkbox for each group (for membership, or for who may use a data source), roles first.
 * With rolesLegend, the roles get a fieldset of their own before the other groups.
 */
export function GroupCheckboxes({
  value,
  onChange,
  legend,
  rolesLegend,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  legend: string;
  rolesLegend?: string;
}) {
  const groups = useGroups();
  if (groups.isError) return <p role="alert">{groups.error.message}</p>;
  if (!groups.data) return null;
  const sorted = rolesFirst(groups.data);
  if (rolesLegend === undefined) {
    return (
      <GroupFieldset legend={legend} groups={sorted} value={value} onChange={onChange} markRoles />
    );
  }
  const common = { value, onChange, markRoles: false };
  return (
    <>
      <GroupFieldset
        legend={rolesLegend}
        groups={sorted.filter((group) => group.role)}
        {...common}
      />
      <GroupFieldset legend={legend} groups={sorted.filter((group) => !group.role)} {...common} />
    </>
  );
}
