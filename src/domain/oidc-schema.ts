import { Type, type Static } from '@sinclair/typebox';

const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, description });

/** A claim's name, e.g. preferred_username or a namespaced URL claim. */
const Claim = (description: string, defaultValue: string) =>
  Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '^[^\\s]+$',
    default: defaultValue,
    description,
  });

/** An http(s) URL without query or fragment. */
const BaseUrl = (description: string) =>
  Type.String({ maxLength: 500, pattern: '^https?://[^\\s?#]+$', description });

export const OidcGroupMappingInput = Type.Object(
  {
    claimValue: Text(500, 'A value of the groups claim'),
    groupId: Text(64, 'The local group or role its holders join'),
  },
  { additionalProperties: false },
);

/** The provider as an administrator enters it; the masked secret keeps the stored one. */
export const OidcSettingsInput = Type.Object(
  {
    name: Text(60, 'What the login button says: "Sign in with <name>"'),
    issuer: BaseUrl('The issuer URL (discovery at <issuer>/.well-known/openid-configuration)'),
    allowHttp: Type.Boolean({
      default: false,
      description: 'Allow an http:// issuer: tokens then travel unencrypted',
    }),
    clientId: Text(500, 'The client id registered at the provider'),
    clientSecret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        secret: true,
        description:
          'The client secret (stored encrypted, shown masked); left out, the stored one is kept',
      }),
    ),
    clientAuthentication: Type.Union(
      [Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')],
      { default: 'client_secret_basic', description: 'How the secret goes to the token endpoint' },
    ),
    publicUrl: BaseUrl(
      "The server's address as browsers reach it, e.g. https://planner.example.com; the redirect URI is <publicUrl>/api/v1/session/oidc/callback",
    ),
    scopes: Type.String({
      minLength: 6,
      maxLength: 500,
      pattern: '^(?=(?:.* )?openid(?: |$))[\\x21-\\x7e]+( [\\x21-\\x7e]+)*$',
      default: 'openid profile email',
      description: 'The scopes asked for, separated by spaces; openid among them',
    }),
    loginClaim: Claim('The claim holding the login', 'preferred_username'),
    nameClaim: Claim('The claim holding the name shown', 'name'),
    emailClaim: Claim('The claim holding the e-mail address', 'email'),
    groupsClaim: Claim('The claim listing the groups', 'groups'),
    groupMap: Type.Array(OidcGroupMappingInput, {
      default: [],
      maxItems: 500,
      description: 'Values of the groups claim whose holders join local groups',
    }),
    createUsers: Type.Boolean({
      default: true,
      description: "Make an account at a user's first sign-in",
    }),
  },
  { additionalProperties: false },
);
export type OidcSettingsInput = Static<typeof OidcSettingsInput>;
