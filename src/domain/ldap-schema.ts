import { Type, type Static } from '@sinclair/typebox';

const Text = (maxLength: number, description: string, defaultValue?: string) =>
  Type.String({
    minLength: 1,
    maxLength,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

/** An attribute name (or OID), as LDAP writes them. */
const Attribute = (description: string, defaultValue: string) =>
  Type.String({
    pattern: '^[A-Za-z][A-Za-z0-9-]{0,63}$|^[0-9]+(\\.[0-9]+){1,30}$',
    default: defaultValue,
    description,
  });

/** An LDAP filter in parentheses. */
const Filter = (description: string, defaultValue: string) =>
  Type.String({
    minLength: 2,
    maxLength: 2000,
    pattern: '^\\(.*\\)$',
    default: defaultValue,
    description,
  });

export const LdapGroupMappingInput = Type.Object(
  {
    directoryGroup: Text(1000, "The directory group's DN"),
    groupId: Text(64, 'The local group or role its members join'),
  },
  { additionalProperties: false },
);

/** The directory as an administrator enters it; the masked password keeps the stored one. */
export const LdapSettingsInput = Type.Object(
  {
    url: Type.String({
      maxLength: 500,
      pattern: '^ldaps?://[^/?#\\s]+/?$',
      description: 'ldap://host:389 or ldaps://host:636 (no base DN in it)',
    }),
    startTls: Type.Boolean({
      default: false,
      description: 'Upgrade an ldap:// connection with StartTLS first',
    }),
    caCertificate: Type.String({
      maxLength: 100_000,
      default: '',
      description:
        "PEM certificates the directory's certificate must chain to; empty: the system's",
    }),
    allowPlaintext: Type.Boolean({
      default: false,
      description: 'Allow ldap:// without StartTLS: passwords then travel unencrypted',
    }),
    bindDn: Text(1000, 'The service account that searches the directory'),
    bindPassword: Type.Optional(
      Type.String({
        // An empty password would make the service's bind an anonymous one.
        minLength: 1,
        maxLength: 1024,
        secret: true,
        description:
          'Its password (stored encrypted, shown masked); left out, the stored one is kept',
      }),
    ),
    userBase: Text(1000, 'Where users are searched, e.g. ou=people,dc=example,dc=com'),
    userFilter: Filter('Which entries are users', '(objectClass=inetOrgPerson)'),
    loginAttribute: Attribute('The attribute holding the login (sAMAccountName in AD)', 'uid'),
    nameAttribute: Attribute('The attribute holding the name shown', 'cn'),
    mailAttribute: Attribute('The attribute holding the e-mail address', 'mail'),
    groupBase: Type.String({
      maxLength: 1000,
      default: '',
      description: 'Where groups are searched; empty: under the user base',
    }),
    groupFilter: Filter('Which entries are groups', '(objectClass=groupOfNames)'),
    memberAttribute: Attribute("The attribute of a group naming its members' DNs", 'member'),
    groupMap: Type.Array(LdapGroupMappingInput, {
      default: [],
      maxItems: 500,
      description:
        'Directory groups (members of nested groups count) whose members join local groups',
    }),
    timeoutSeconds: Type.Integer({
      minimum: 1,
      maximum: 120,
      default: 10,
      description: 'How long one directory operation may take',
    }),
  },
  { additionalProperties: false },
);
export type LdapSettingsInput = Static<typeof LdapSettingsInput>;
