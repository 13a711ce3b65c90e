/** One directory group whose (nested) members belong to a local group while they are in it. */
export interface LdapGroupMapping {
  /** The directory group's DN, e.g. cn=finance,ou=groups,dc=example,dc=com. */
  directoryGroup: string;
  /** The local group (or role) its members join. */
  groupId: string;
}

/**
 * How the server reaches an LDAP directory (OpenLDAP, Active Directory) to log users in and to
 * sync them. Users the directory knows are made on their first login; local users (the first
 * admin among them) never ask the directory.
 */
export interface LdapSettings {
  /** ldap://host:389 or ldaps://host:636. */
  url: string;
  /** Upgrade an ldap:// connection with StartTLS before anything is sent. */
  startTls: boolean;
  /** PEM certificates the server's certificate must chain to; empty: the system's. */
  caCertificate: string;
  /**
   * Send the service account's and users' passwords over a connection without TLS
   * (ldap:// without StartTLS); an administrator's choice, off unless set.
   */
  allowPlaintext: boolean;
  /** The service account that searches the directory. */
  bindDn: string;
  bindPassword: string;
  /** Where users are searched, and which entries count as users. */
  userBase: string;
  userFilter: string;
  /** The attributes that hold a user's login, name and e-mail address. */
  loginAttribute: string;
  nameAttribute: string;
  mailAttribute: string;
  /** Where groups are searched, which entries are groups, and the attribute naming members. */
  groupBase: string;
  groupFilter: string;
  memberAttribute: string;
  groupMap: LdapGroupMapping[];
  /** How long one directory operation may take. */
  timeoutSeconds: number;
}

/** Active Directory's userAccountControl flag of a disabled account (ACCOUNTDISABLE). */
export const ACCOUNT_DISABLED_FLAG = 0x2;

/** A user as the directory describes them. */
export interface DirectoryEntry {
  dn: string;
  login: string;
  displayName: string;
  email: string | null;
  /** Disabled in the directory (Active Directory's userAccountControl). */
  disabled: boolean;
}

/** Compares DNs: case and spaces around separators do not count. */
export function dnKey(dn: string): string {
  return (
    dn
      .trim()
      .toLowerCase()
      // Spaces around a separator do not count; an escaped separator (\,) is no separator.
      .replace(/(?<!(?:^|[^\\])(?:\\\\)*\\)\s*([,=+])\s*/g, '$1')
  );
}
