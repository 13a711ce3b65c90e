import { CheckboxField } from '../components/CheckboxField.tsx';
import { TextField } from '../components/TextField.tsx';
import { formError } from './form-errors.ts';
import { useIdentityForm } from './use-identity-form.ts';
import { GroupMapEditor } from './GroupMapEditor.tsx';
import { useTestLdap, type LdapSettings } from './use-identity-settings.ts';

const EMPTY: LdapSettings = {
  url: 'ldaps://',
  startTls: false,
  caCertificate: '',
  allowPlaintext: false,
  bindDn: '',
  bindPassword: '',
  userBase: '',
  userFilter: '(objectClass=inetOrgPerson)',
  loginAttribute: 'uid',
  nameAttribute: 'cn',
  mailAttribute: 'mail',
  groupBase: '',
  groupFilter: '(objectClass=groupOfNames)',
  memberAttribute: 'member',
  groupMap: [],
  timeoutSeconds: 10,
};

type TextKey = {
  [Key in keyof LdapSettings]: LdapSettings[Key] extends string ? Key : never;
}[keyof LdapSettings];

const TEXT_FIELDS: Array<{ key: TextKey; label: string; help?: string; secret?: boolean }> = [
  { key: 'url', label: 'URL', help: 'ldaps://host:636, or ldap://host:389 with StartTLS' },
  { key: 'bindDn', label: 'Service account (bind DN)' },
  { key: 'bindPassword', label: 'Service account password', secret: true },
  { key: 'userBase', label: 'User base', help: 'e.g. ou=people,dc=example,dc=com' },
  { key: 'userFilter', label: 'User filter' },
  { key: 'loginAttribute', label: 'Login attribute', help: 'sAMAccountName in Active Directory' },
  { key: 'nameAttribute', label: 'Name attribute' },
  { key: 'mailAttribute', label: 'E-mail attribute' },
  { key: 'groupBase', label: 'Group base', help: 'Empty: the user base' },
  { key: 'groupFilter', label: 'Group filter', help: '(objectClass=group) in Active Directory' },
  { key: 'memberAttribute', label: 'Member attribute' },
];

const SHOWN_PATHS = [
  ...TEXT_FIELDS.map((field) => `/${field.key}`),
  '/caCertificate',
  '/timeoutSeconds',
];

/** The LDAP directory users log in with: its connection, where users and groups are, the mapping. */
export function LdapForm({ ldap }: { ldap: LdapSettings | null }) {
  const test = useTestLdap();
  const { save, draft, set, submit, remove, saved, statusRef, error } = useIdentityForm(
    'ldap',
    ldap,
    EMPTY,
    {
      saved: 'The directory is saved.',
      removed: 'LDAP is switched off.',
      confirmRemove: 'Switch LDAP off? Directory users can then no longer log in.',
    },
    (settings) => {
      test.reset();
      return { ...settings, timeoutSeconds: Number(settings.timeoutSeconds) };
    },
  );
  const problem = formError(save.error, SHOWN_PATHS);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="ldap-heading">
      <h2 id="ldap-heading">LDAP directory</h2>
      <p className="muted">
        Users the directory knows log in with its password; local accounts never ask it.
      </p>
      <div className="form-grid">
        {TEXT_FIELDS.map((field) => (
          <TextField
            key={field.key}
            label={field.label}
            type={field.secret ? 'password' : 'text'}
            autoComplete={field.secret ? 'new-password' : 'off'}
            required={!['groupBase', 'bindPassword'].includes(field.key)}
            value={draft[field.key]}
            onChange={set(field.key)}
            error={error(field.key)}
            help={
              field.secret && ldap
                ? 'Shown masked: leave it to keep the stored password (same URL and account)'
                : field.help
            }
          />
        ))}
        <TextField
          label="Time-out (seconds)"
          type="number"
          min={1}
          max={120}
          value={String(draft.timeoutSeconds)}
          onChange={(value) => set('timeoutSeconds')(Number(value))}
          error={error('timeoutSeconds')}
        />
      </div>
      <CheckboxField
        label="StartTLS (for ldap://)"
        checked={draft.startTls}
        onChange={set('startTls')}
      />
      <CheckboxField
        label="Allow passwords without TLS"
        help="Only for ldap:// without StartTLS on a network you trust: passwords then cross it unencrypted"
        checked={draft.allowPlaintext}
        onChange={set('allowPlaintext')}
      />
      <label>
        CA certificates (PEM)
        <textarea
          rows={4}
          value={draft.caCertificate}
          onChange={(event) => set('caCertificate')(event.target.value)}
          placeholder="-----BEGIN CERTIFICATE----- … (empty: the system's)"
        />
      </label>
      <GroupMapEditor
        mapping={draft.groupMap}
        onChange={set('groupMap')}
        error={save.error}
        keyField="directoryGroup"
        keyLabel="Directory group (DN)"
        placeholder="cn=finance,ou=groups,dc=example,dc=com"
        explanation="Members of a directory group (also through nested groups) belong to the local group while they are in it."
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status" ref={statusRef} tabIndex={-1}>
        {saved}
        {test.data && (test.data.ok ? ` Test: ${test.data.message}` : '')}
      </p>
      {test.data && !test.data.ok && <p role="alert">Test failed: {test.data.message}</p>}
      {test.error && <p role="alert">{test.error.message}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save directory
        </button>
        {ldap && (
          <>
            <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
              Test the saved directory
            </button>
            <button type="button" onClick={remove} disabled={save.isPending}>
              Switch LDAP off
            </button>
          </>
        )}
      </div>
    </form>
  );
}
