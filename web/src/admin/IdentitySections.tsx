import { LdapForm } from './LdapForm.tsx';
import { OidcForm } from './OidcForm.tsx';
import { useIdentitySettings } from './use-identity-settings.ts';

/** The LDAP directory's form once its settings are loaded. */
export function LdapSection() {
  const ldap = useIdentitySettings('ldap');
  if (ldap.isPending) return <p className="loading">Loading the LDAP directory…</p>;
  if (ldap.isError) return <p role="alert">{ldap.error.message}</p>;
  return <LdapForm ldap={ldap.data} />;
}

/** The single sign-on form once its settings are loaded. */
export function OidcSection() {
  const oidc = useIdentitySettings('oidc');
  if (oidc.isPending) return <p className="loading">Loading single sign-on…</p>;
  if (oidc.isError) return <p role="alert">{oidc.error.message}</p>;
  return <OidcForm oidc={oidc.data} />;
}
