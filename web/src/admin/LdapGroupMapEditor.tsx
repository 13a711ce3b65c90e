import { useDirectory } from '../tasks/grant-queries.ts';
import { fieldError } from './form-errors.ts';
import type { LdapGroupMapping } from './use-ldap-settings.ts';

/** Rows of "directory group DN → local group": members of the first join the second. */
export function LdapGroupMapEditor({
  mapping,
  onChange,
  error,
}: {
  mapping: LdapGroupMapping[];
  onChange: (mapping: LdapGroupMapping[]) => void;
  error: unknown;
}) {
  const directory = useDirectory('');
  const groups = directory.data?.groups ?? [];
  const change = (index: number, part: Partial<LdapGroupMapping>) =>
    onChange(mapping.map((row, at) => (at === index ? { ...row, ...part } : row)));
  return (
    <fieldset>
      <legend>Group mapping</legend>
      <p className="muted">
        Members of a directory group (also through nested groups) belong to the local group while
        they are in it. Mapping a group needs every permission it holds.
      </p>
      {mapping.length === 0 && <p>No directory group is mapped.</p>}
      {mapping.map((row, index) => {
        const dnError = fieldError(error, `/groupMap/${index}/directoryGroup`);
        const groupError = fieldError(error, `/groupMap/${index}/groupId`);
        return (
          <div className="form-grid" key={index}>
            <label>
              Directory group {index + 1} (DN)
              <input
                value={row.directoryGroup}
                required
                placeholder="cn=finance,ou=groups,dc=example,dc=com"
                onChange={(event) => change(index, { directoryGroup: event.target.value })}
                aria-invalid={dnError !== undefined}
              />
              {dnError && <span className="field-error">{dnError}</span>}
            </label>
            <label>
              Local group {index + 1}
              <select
                value={row.groupId}
                required
                onChange={(event) => change(index, { groupId: event.target.value })}
                aria-invalid={groupError !== undefined}
              >
                <option value="">Choose a group…</option>
                {groups.map((group) => (
                  <option key={group.id} value={group.id}>
                    {group.name}
                  </option>
                ))}
              </select>
              {groupError && <span className="field-error">{groupError}</span>}
            </label>
            <button type="button" onClick={() => onChange(mapping.filter((_, at) => at !== index))}>
              Remove mapping {index + 1}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => onChange([...mapping, { directoryGroup: '', groupId: '' }])}
      >
        Add a mapping
      </button>
    </fieldset>
  );
}
