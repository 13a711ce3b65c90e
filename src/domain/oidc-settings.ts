/** A value of the provider's groups claim whose holders join a local group. */
export interface OidcGroupMapping {
  /** A value the groups claim may hold, e.g. "finance" or a group's object id. */
  claimValue: string;
  groupId: string;
}

/**
 * The OpenID Connect provider users may sign in with (Keycloak, Entra ID, Google Workspace,
 * Okta…): the authorization code flow with PKCE, as a confidential client.
 */
export interface OidcSettings {
  /** What the login page's button says: "Sign in with <name>". */
  name: string;
  /** The issuer; its discovery document is at <issuer>/.well-known/openid-configuration. */
  issuer: string;
  /** Allow an http:// issuer (a test or a provider on a network you trust). */
  allowHttp: boolean;
  clientId: string;
  clientSecret: string;
  /** How the client proves itself at the token endpoint. */
  clientAuthentication: 'client_secret_basic' | 'client_secret_post';
  /** The server's address as browsers reach it; the redirect URI is below it. */
  publicUrl: string;
  scopes: string;
  /** The claims holding the login, the name shown, the e-mail address and the groups. */
  loginClaim: string;
  nameClaim: string;
  emailClaim: string;
  groupsClaim: string;
  groupMap: OidcGroupMapping[];
  /** Make an account at a user's first sign-in; otherwise only existing SSO accounts sign in. */
  createUsers: boolean;
}

/** Where the provider sends the browser back to, registered at the provider. */
export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';

/** The redirect URI of these settings. */
export function redirectUriOf(settings: Pick<OidcSettings, 'publicUrl'>): string {
  return `${settings.publicUrl.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`;
}
