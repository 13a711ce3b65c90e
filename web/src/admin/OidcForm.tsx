import { CheckboxField } from '../components/CheckboxField.tsx';
import { TextField } from '../components/TextField.tsx';
import { CopyButton } from './CopyButton.tsx';
import { formError } from './form-errors.ts';
import { useIdentityForm } from './use-identity-form.ts';
import { GroupMapEditor } from './GroupMapEditor.tsx';
import type { OidcSettings } from './use-identity-settings.ts';

const EMPTY: OidcSettings = {
  name: '',
  issuer: 'https://',
  allowHttp: false,
  clientId: '',
  clientSecret: '',
  clientAuthentication: 'client_secret_basic',
  publicUrl: window.location.origin,
  scopes: 'openid profile email',
  loginClaim: 'preferred_username',
  nameClaim: 'name',
  emailClaim: 'email',
  groupsClaim: 'groups',
  groupMap: [],
  createUsers: true,
};

type TextKey = {
  [Key in keyof OidcSettings]-?: OidcSettings[Key] extends string ? Key : never;
}[keyof OidcSettings];

const TEXT_FIELDS: Array<{
  key: Exclude<TextKey, 'redirectUri' | 'clientAuthentication'>;
  label: string;
  help?: string;
  secret?: boolean;
}> = [
  { key: 'name', label: 'Button name', help: 'The login page says "Sign in with <name>"' },
  { key: 'issuer', label: 'Issuer URL', help: 'e.g. https://login.example.com/realms/staff' },
  { key: 'clientId', label: 'Client id' },
  { key: 'clientSecret', label: 'Client secret', secret: true },
  { key: 'publicUrl', label: 'This server’s address', help: 'As browsers reach it' },
  { key: 'scopes', label: 'Scopes', help: 'Separated by spaces; openid among them' },
  { key: 'loginClaim', label: 'Login claim' },
  { key: 'nameClaim', label: 'Name claim' },
  { key: 'emailClaim', label: 'E-mail claim' },
  { key: 'groupsClaim', label: 'Groups claim' },
];

/** Where the provider sends users back: the server's public address as typed, and the callback. */
function redirectUriOf(publicUrl: string): string {
  const base = publicUrl.trim().replace(/\/+$/, '');
  return base === '' ? '' : `${base}/api/v1/session/oidc/callback`;
}

const SHOWN_PATHS = [...TEXT_FIELDS.map((field) => `/${field.key}`), '/clientAuthentication'];

/** Single sign-on with an OpenID provider: where it is, the client, the claims, the mapping. */
export function OidcForm({ oidc }: { oidc: OidcSettings | null }) {
  const { save, draft, set, submit, remove, saved, statusRef, error } = useIdentityForm(
    'oidc',
    oidc,
    EMPTY,
    {
      saved: 'Single sign-on is saved.',
      removed: 'Single sign-on is switched off.',
      confirmRemove: 'Switch single sign-on off? Its users can then no longer sign in.',
    },
    // The redirect URI is only shown, never sent.
    ({ redirectUri: _shown, ...settings }) => settings,
  );
  const problem = formError(save.error, SHOWN_PATHS);
  // Known before saving: the provider needs it registered before single sign-on can work.
  const redirectUri = redirectUriOf(draft.publicUrl);
  return (
    <form className="card" onSubmit={submit} aria-labelledby="oidc-heading">
      <h2 id="oidc-heading">Single sign-on (OpenID Connect)</h2>
      <p className="muted">
        Users sign in at the provider; an account is found by the provider’s subject, and a new one
        never takes the login of an existing account.
      </p>
      {redirectUri && (
        <p>
          Redirect URI to register at the provider: <code>{redirectUri}</code>{' '}
          <CopyButton text={redirectUri} label="Copy the redirect URI" />
          <br />
          <span className="muted">It follows this server’s address below.</span>
        </p>
      )}
      <div className="form-grid">
        {TEXT_FIELDS.map((field) => (
          <TextField
            key={field.key}
            label={field.label}
            type={field.secret ? 'password' : 'text'}
            autoComplete={field.secret ? 'new-password' : 'off'}
            required={field.key !== 'clientSecret'}
            value={draft[field.key]}
            onChange={set(field.key)}
            error={error(field.key)}
            help={
              field.secret && oidc
                ? 'Shown masked: leave it to keep the stored secret (same issuer and client)'
                : field.help
            }
          />
        ))}
        <label>
          Client authentication
          <select
            value={draft.clientAuthentication}
            onChange={(event) =>
              set('clientAuthentication')(
                event.target.value as OidcSettings['clientAuthentication'],
              )
            }
          >
            <option value="client_secret_basic">client_secret_basic (HTTP Basic)</option>
            <option value="client_secret_post">client_secret_post (in the form)</option>
          </select>
        </label>
      </div>
      <CheckboxField
        label="Make an account at a user’s first sign-in"
        checked={draft.createUsers}
        onChange={set('createUsers')}
      />
      <CheckboxField
        label="Allow an http:// issuer"
        help="Only for a provider on a network you trust: the client secret and tokens then cross it unencrypted"
        checked={draft.allowHttp}
        onChange={set('allowHttp')}
      />
      <GroupMapEditor
        mapping={draft.groupMap}
        onChange={set('groupMap')}
        error={save.error}
        keyField="claimValue"
        keyLabel="Value of the groups claim"
        placeholder="finance"
        explanation="Users whose groups claim holds the value belong to the local group, checked at every sign-in."
      />
      {problem && <p role="alert">{problem}</p>}
      <p role="status" ref={statusRef} tabIndex={-1}>
        {saved}
      </p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save single sign-on
        </button>
        {oidc && (
          <button type="button" onClick={remove} disabled={save.isPending}>
            Switch single sign-on off
          </button>
        )}
      </div>
    </form>
  );
}
