/**
 * The part of oidc-provider 9 (which ships no types) that the test OpenID provider uses.
 * Widen it here when a test needs more of the provider.
 */
declare module 'oidc-provider' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Claims as the provider hands them out: claim name -> value. */
  export type ClaimsRecord = Record<string, unknown>;

  /** An account as findAccount returns it. */
  export interface Account {
    accountId: string;
    claims(use: 'id_token' | 'userinfo', scope: string): ClaimsRecord | Promise<ClaimsRecord>;
  }

  /** One registered client, in OAuth 2.0 Dynamic Client Registration metadata. */
  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    response_types?: string[];
    grant_types?: string[];
    token_endpoint_auth_method?: string;
    application_type?: 'web' | 'native';
  }

  /** Lifetimes in seconds, per artifact. */
  export type TtlConfiguration = Partial<
    Record<
      | 'AccessToken'
      | 'AuthorizationCode'
      | 'IdToken'
      | 'Interaction'
      | 'Session'
      | 'Grant'
      | 'RefreshToken',
      number
    >
  >;

  /** The provider configuration keys this project sets. */
  export interface Configuration {
    responseTypes?: string[];
    clients?: ClientMetadata[];
    findAccount?: (ctx: unknown, id: string) => Promise<Account | undefined>;
    claims?: Record<string, string[] | null>;
    scopes?: string[];
    conformIdTokenClaims?: boolean;
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean };
    features?: Record<string, { enabled: boolean }>;
    interactions?: { url?: (ctx: unknown, interaction: Interaction) => string };
    cookies?: { keys?: string[] };
    jwks?: { keys: object[] };
    ttl?: TtlConfiguration;
    clockTolerance?: number;
  }

  /** What the user still has to grant at a consent prompt. */
  export interface PromptDetails {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  }

  /** A pending interaction (login or consent) of an authorization request. */
  export interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: PromptDetails };
    params: Record<string, unknown> & { client_id: string };
    session?: { accountId: string };
    grantId?: string;
    returnTo: string;
  }

  /** What an interaction ended with. */
  export type InteractionResult =
    | { login: { accountId: string } }
    | { consent: { grantId?: string } }
    | { error: string; error_description?: string };

  /** A user's consent to a client: scopes, claims and resources. */
  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  /** The Grant model of one provider. */
  export interface GrantModel {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  /** An OpenID provider: an HTTP request handler plus the interaction API. */
  export class Provider extends EventEmitter {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: GrantModel;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<Interaction>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export default Provider;
}
