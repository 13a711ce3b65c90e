import { LdapForm } from './LdapForm.tsx';
import { useLdapSettings } from './use-ldap-settings.ts';

/** The LDAP directory's form once its settings are loaded. */
export function LdapSection() {
  const ldap = useLdapSettings();
  if (ldap.isPending) return <p className="loading">Loading the LDAP directory…</p>;
  if (ldap.isError) return <p role="alert">{ldap.error.message}</p>;
  return <LdapForm ldap={ldap.data} />;
}
