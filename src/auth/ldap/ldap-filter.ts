/**
 * A value made safe for an LDAP filter (RFC 4515): `*`, `(`, `)`, `\` and NUL are escaped, so
 * a login such as `*)(uid=*` matches only itself.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(
    /[*()\\\0]/g,
    (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** The filter that finds one user: the configured user filter and login attribute = login. */
export function userByLoginFilter(
  userFilter: string,
  loginAttribute: string,
  login: string,
): string {
  return `(&${userFilter}(${loginAttribute}=${escapeFilterValue(login)}))`;
}
