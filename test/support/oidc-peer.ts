import { SESSION_COOKIE } from '../../src/http/authentication.ts';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, {
  type Account,
  type ClaimsRecord,
  type Configuration,
  type Interaction,
  type TtlConfiguration,
} from 'oidc-provider';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { OIDC_CALLBACK_PATH } from '../../src/domain/oidc-settings.ts';
import { ApiClient } from './api-client.ts';
import { CookieJar } from './cookie-jar.ts';

/** A client (relying party) registered at the peer. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs; http://127.0.0.1:port/... is fine. */
  redirectUris: string[];
  /**
   * How the client authenticates at the token endpoint. Default client_secret_post, which is what
   * openid-client 6 sends when discovery() is given a secret and no clientAuthentication.
   */
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic';
}

/** The options of startOidcProvider. */
export interface OidcPeerOptions {
  clients: OidcClient[];
  /** login -> claims (sub, preferred_username, name, email, groups, ...). The sub defaults to the login. */
  accounts: Record<string, ClaimsRecord>;
  /** Lifetimes in seconds, e.g. { AuthorizationCode: 1 } for a test that waits for a code to expire. */
  ttl?: TtlConfiguration;
}

/** The options of OidcPeer.signIn. */
export interface SignInOptions {
  /** Refuse at the login page: the provider redirects back with error=access_denied. */
  deny?: boolean;
}

/** A real OpenID provider (oidc-provider 9) on a free loopback port, over plain HTTP. */
export interface OidcPeer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash); discovery is at /.well-known/openid-configuration. */
  issuer: string;
  /** The provider itself, for tests that listen to its events or need more of its API. */
  provider: Provider;
  /**
   * Why the token endpoint refused each grant, in order: the provider's own detail (e.g.
   * "authorization code is expired"), which it does not tell the client.
   */
  tokenErrors: string[];
  /** Adds an account or replaces its claims; later sign-ins and token requests see the change. */
  setAccount(login: string, claims: ClaimsRecord): void;
  /**
   * Signs later ID tokens for another registered client (aud is its id) than the one that redeems
   * the code, as a provider that mixes up its clients would; null goes back to the right one.
   */
  issueIdTokensFor(clientId: string | null): void;
  /**
   * Does what a browser and its user would: requests authorizationUrl, signs in as login at the
   * peer's login page, allows the consent, carrying the peer's cookies throughout. Resolves with
   * the redirect back to the client (code and state, or error) without requesting it. Rejects when
   * the peer answers otherwise (an unknown login, a client or redirect_uri it does not know).
   */
  signIn(
    authorizationUrl: string,
    login: string,
    options?: SignInOptions,
  ): Promise<{ callbackUrl: string }>;
  stop(): Promise<void>;
}

/** Scopes and the claims each one releases; every scope's claims go into the ID token as well. */
const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email'],
  groups: ['groups'],
};

const DEFAULT_TTL: TtlConfiguration = {
  AccessToken: 600,
  AuthorizationCode: 60,
  IdToken: 600,
  Interaction: 600,
  Session: 600,
  Grant: 600,
};

/** The interaction pages; the provider sends the user here to sign in and to consent. */
const INTERACTION_PATH = /^\/interaction\/[\w-]+$/;

/** More redirects than any sign-in needs (authorize, login, resume, consent, resume). */
const MAX_STEPS = 10;

/**
 * Starts an OpenID provider on 127.0.0.1: authorization code flow only, PKCE (S256) required for
 * every client, claims of the granted scopes in the ID token, its own login and consent pages (any
 * password; a login must be one of the accounts), a fresh RSA signing key.
 */
export async function startOidcProvider(options: OidcPeerOptions): Promise<OidcPeer> {
  const accounts = new Map(Object.entries(options.accounts));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, configuration(options, accounts));
  const providerHandler = provider.callback();
  const tokenErrors: string[] = [];
  let idTokenClient: string | null = null;
  issueIdTokensAs(provider, () => idTokenClient);
  provider.on('grant.error', (_ctx: unknown, error: Error & { error_detail?: string }) =>
    tokenErrors.push(error.error_detail ?? error.message),
  );
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', issuer);
    if (!INTERACTION_PATH.test(pathname)) return providerHandler(request, response);
    interact(provider, accounts, request, response).catch((error: unknown) =>
      page(response, 400, `<p>${error instanceof Error ? error.name : 'Error'}</p>`),
    );
  });
  return {
    issuer,
    provider,
    tokenErrors,
    setAccount: (login, claims) => {
      accounts.set(login, claims);
    },
    issueIdTokensFor: (clientId) => {
      idTokenClient = clientId;
    },
    signIn: (authorizationUrl, login, signInOptions = {}) =>
      signIn(issuer, authorizationUrl, login, signInOptions),
    stop: () => stop(server),
  };
}

function configuration(
  options: OidcPeerOptions,
  accounts: Map<string, ClaimsRecord>,
): Configuration {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return {
    responseTypes: ['code'],
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? 'client_secret_post',
    })),
    findAccount: async (_ctx, id) => findAccount(accounts, id),
    claims: CLAIMS_BY_SCOPE,
    // By default the ID token carries only sub when an access token for userinfo is issued too.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }] },
    ttl: { ...DEFAULT_TTL, ...options.ttl },
  };
}

/** The part of oidc-provider's models that issueIdTokensAs changes (the typings leave them out). */
interface IdTokenModels {
  IdToken: {
    prototype: {
      client: unknown;
      issue: (this: { client: unknown }, options?: { use?: string }) => Promise<string>;
    };
  };
  Client: { find(clientId: string): Promise<unknown> };
}

/**
 * Signs ID tokens for the client clientId() names, when it names one: the token is otherwise
 * what the provider issues (its issuer, key, subject, nonce), only its audience is that client.
 */
function issueIdTokensAs(provider: Provider, clientId: () => string | null): void {
  const models = provider as unknown as IdTokenModels;
  // The provider makes one IdToken class of its own, so this changes no other provider.
  const { prototype } = models.IdToken;
  const issue = prototype.issue;
  prototype.issue = async function issueFor(options) {
    const other = clientId();
    if (other !== null && options?.use === 'idtoken') {
      this.client = await models.Client.find(other);
      if (!this.client) throw new Error(`the OpenID provider has no client ${other}`);
    }
    return issue.call(this, options);
  };
}

/** The subject of an account: its sub claim, else its login. */
function subjectOf(login: string, claims: ClaimsRecord): string {
  return typeof claims.sub === 'string' ? claims.sub : login;
}

function findAccount(accounts: Map<string, ClaimsRecord>, id: string): Account | undefined {
  for (const [login, claims] of accounts) {
    if (subjectOf(login, claims) === id) return { accountId: id, claims: () => ({ ...claims }) };
  }
  return undefined;
}

/** Shows the login or consent page (GET), or ends that step of the interaction (POST). */
async function interact(
  provider: Provider,
  accounts: Map<string, ClaimsRecord>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const interaction = await provider.interactionDetails(request, response);
  if (request.method === 'GET') return showPrompt(response, interaction);
  const form = new URLSearchParams(await readBody(request));
  if (form.has('deny')) {
    return provider.interactionFinished(
      request,
      response,
      { error: 'access_denied', error_description: 'End-User denied the request' },
      { mergeWithLastSubmission: false },
    );
  }
  if (interaction.prompt.name === 'login') {
    const login = form.get('login') ?? '';
    const claims = accounts.get(login);
    if (!claims) return page(response, 401, '<p>Unknown login</p>');
    return provider.interactionFinished(
      request,
      response,
      { login: { accountId: subjectOf(login, claims) } },
      { mergeWithLastSubmission: false },
    );
  }
  const grantId = await grantWhatIsMissing(provider, interaction);
  return provider.interactionFinished(request, response, { consent: { grantId } });
}

/** The consent step of oidc-provider's own example: grants the scopes and claims still missing. */
async function grantWhatIsMissing(provider: Provider, interaction: Interaction): Promise<string> {
  const { details } = interaction.prompt;
  const grant =
    (interaction.grantId && (await provider.Grant.find(interaction.grantId))) ||
    new provider.Grant({
      accountId: interaction.session?.accountId ?? '',
      clientId: interaction.params.client_id,
    });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  return grant.save();
}

/** A page a real browser can use too: a login form, or an allow button. */
function showPrompt(response: ServerResponse, interaction: Interaction): void {
  const fields =
    interaction.prompt.name === 'login'
      ? '<input name="login" autofocus><input name="password" type="password"><button>Sign in</button>'
      : '<button>Allow</button>';
  page(
    response,
    200,
    `<form method="post">${fields}<button name="deny" value="1">Deny</button></form>`,
  );
}

function page(response: ServerResponse, status: number, body: string): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(`<!doctype html><title>Test OpenID provider</title>${body}`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Follows the provider's redirects, answering its pages, until one leads away from the provider. */
async function signIn(
  issuer: string,
  authorizationUrl: string,
  login: string,
  options: SignInOptions,
): Promise<{ callbackUrl: string }> {
  const jar = new CookieJar();
  const { origin } = new URL(issuer);
  let url = new URL(authorizationUrl);
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const response = INTERACTION_PATH.test(url.pathname)
      ? await answerPrompt(jar, url, options.deny ? { deny: '1' } : { login, password: 'any' })
      : await send(jar, url);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) {
      throw new Error(
        `OpenID provider answered ${url.pathname} with ${response.status}: ${await response.text()}`,
      );
    }
    await response.body?.cancel();
    url = new URL(location, url);
    if (url.origin !== origin) return { callbackUrl: url.href };
  }
  throw new Error(`sign-in did not leave the OpenID provider within ${MAX_STEPS} redirects`);
}

/** Loads a login or consent page, as a browser would, and submits its form. */
async function answerPrompt(
  jar: CookieJar,
  url: URL,
  fields: Record<string, string>,
): Promise<Response> {
  const shown = await send(jar, url);
  if (shown.status !== 200) {
    throw new Error(
      `OpenID provider answered ${url.pathname} with ${shown.status}: ${await shown.text()}`,
    );
  }
  await shown.body?.cancel();
  return send(jar, url, new URLSearchParams(fields));
}

/** One request with the jar's cookies, redirects not followed; the jar keeps the answer's cookies. */
async function send(jar: CookieJar, url: URL, form?: URLSearchParams): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: cookie === undefined ? {} : { cookie },
    ...(form ? { body: form } : {}),
  });
  jar.store(response);
  return response;
}

async function stop(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  server.closeAllConnections();
  await closed;
}

// The planner's side: its settings for a client of the peer, and its sign-in routes as a
// browser calls them (through app.inject, carrying the state cookie by hand).

/** The cookie that carries a sign-in's state from /start to /callback. */
export const SSO_STATE_COOKIE = 'taskplanner_sso';
const SSO_PATH = '/api/v1/session/oidc';

/** The planner as a client of the peer: its redirect URI is below publicUrl. */
export function plannerClient(
  publicUrl: string,
  credentials: Omit<OidcClient, 'redirectUris'>,
): OidcClient {
  return { ...credentials, redirectUris: [`${publicUrl}${OIDC_CALLBACK_PATH}`] };
}

/** Every field of PUT /api/v1/settings/oidc for a client of the peer, over plain HTTP. */
export function oidcSettingsFor(
  peer: OidcPeer,
  client: OidcClient,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const redirectUri = client.redirectUris[0] ?? '';
  return {
    name: 'Example ID',
    issuer: peer.issuer,
    allowHttp: true,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientAuthentication: client.tokenEndpointAuthMethod ?? 'client_secret_post',
    publicUrl: redirectUri.slice(0, -OIDC_CALLBACK_PATH.length),
    scopes: 'openid profile email groups',
    loginClaim: 'preferred_username',
    nameClaim: 'name',
    emailClaim: 'email',
    groupsClaim: 'groups',
    groupMap: [],
    createUsers: true,
    ...overrides,
  };
}

/** How the planner answered one step of a sign-in. */
export interface SsoStep {
  status: number;
  location: string;
  /** The cookies the answer set, by name; '' for one it cleared. */
  cookies: Map<string, string>;
  response: LightMyRequestResponse;
}

function stepOf(response: LightMyRequestResponse): SsoStep {
  const cookies = new Map<string, string>();
  for (const cookie of response.cookies as Array<{
    name: string;
    value: string;
    maxAge?: number;
  }>) {
    cookies.set(cookie.name, cookie.maxAge === 0 ? '' : cookie.value);
  }
  const location = String(response.headers.location ?? '');
  return { status: response.statusCode, location, cookies, response };
}

/** GET /api/v1/session/oidc/start, as the login page's button does. */
export async function ssoStart(app: FastifyInstance, returnTo?: string): Promise<SsoStep> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  return stepOf(await app.inject({ method: 'GET', url: `${SSO_PATH}/start${query}` }));
}

/** Requests the callback URL the peer sent the browser to, with the state cookie if given. */
export async function ssoCallback(
  app: FastifyInstance,
  callbackUrl: string,
  stateCookie: string | undefined,
): Promise<SsoStep> {
  const { pathname, search } = new URL(callbackUrl);
  return stepOf(
    await app.inject({
      method: 'GET',
      url: `${pathname}${search}`,
      headers: stateCookie === undefined ? {} : { cookie: `${SSO_STATE_COOKIE}=${stateCookie}` },
    }),
  );
}

/** A whole sign-in as a browser makes it: start, the peer's pages, the callback. */
export async function ssoSignIn(
  app: FastifyInstance,
  peer: OidcPeer,
  login: string,
  options: SignInOptions & { returnTo?: string } = {},
): Promise<SsoStep> {
  const started = await ssoStart(app, options.returnTo);
  if (started.status !== 302) {
    throw new Error(`the sign-in did not start: ${started.status} to ${started.location}`);
  }
  const { callbackUrl } = await peer.signIn(started.location, login, options);
  return ssoCallback(app, callbackUrl, started.cookies.get(SSO_STATE_COOKIE));
}

/** The client of the session a finished sign-in set, with its CSRF token; throws without one. */
export async function ssoSession(app: FastifyInstance, step: SsoStep): Promise<ApiClient> {
  const token = step.cookies.get(SESSION_COOKIE);
  if (!token) throw new Error(`the sign-in set no session: ${step.status} to ${step.location}`);
  const cookie = `${SESSION_COOKIE}=${token}`;
  const me = await new ApiClient(app, { cookie }).get('/api/v1/me');
  return new ApiClient(app, { cookie, csrf: (me.body as { csrfToken: string }).csrfToken });
}
