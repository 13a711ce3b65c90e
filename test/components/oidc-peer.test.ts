import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startOidcProvider, type OidcClient, type OidcPeer } from '../support/oidc-peer.ts';

const PLANNER: OidcClient = {
  clientId: 'taskplanner',
  clientSecret: 'planner-secret',
  redirectUris: ['http://127.0.0.1:4999/auth/oidc/callback'],
};
const BASIC_AUTH_CLIENT: OidcClient = {
  clientId: 'basic-client',
  clientSecret: 'basic-secret',
  redirectUris: ['http://127.0.0.1:4999/auth/oidc/callback'],
  tokenEndpointAuthMethod: 'client_secret_basic',
};
const ALICE = {
  sub: 'user-alice',
  preferred_username: 'alice',
  name: 'Alice Example',
  email: 'alice@example.test',
  groups: ['planners', 'admins'],
};
const SCOPE = 'openid profile email groups';

/** The openid-client configuration of a client of the peer, over plain HTTP. */
function discover(
  peer: OidcPeer,
  { clientId, clientSecret }: OidcClient,
  clientAuthentication?: client.ClientAuth,
): Promise<client.Configuration> {
  return client.discovery(new URL(peer.issuer), clientId, clientSecret, clientAuthentication, {
    execute: [client.allowInsecureRequests],
  });
}

/** An authorization request with PKCE (S256), state and nonce, and what checks its answer. */
async function authorizationRequest(config: client.Configuration) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: PLANNER.redirectUris[0] as string,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
  });
  return { url: url.href, checks: { pkceCodeVerifier, expectedState, expectedNonce } };
}

describe('OpenID provider test peer', () => {
  let peer: OidcPeer;
  let config: client.Configuration;

  before(async () => {
    peer = await startOidcProvider({
      clients: [PLANNER, BASIC_AUTH_CLIENT],
      accounts: { alice: ALICE },
    });
    config = await discover(peer, PLANNER);
  });
  after(() => peer.stop());

  it('publishes its issuer, code flow and S256 PKCE in discovery', () => {
    const metadata = config.serverMetadata();
    assert.equal(new URL(metadata.issuer).href, new URL(peer.issuer).href);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.ok(metadata.scopes_supported?.includes('groups'));
  });

  it('signs in with the code flow and puts the profile, email and groups claims in the ID token', async () => {
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    assert.equal(new URL(callbackUrl).pathname, '/auth/oidc/callback');
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(callbackUrl),
      request.checks,
    );
    const claims = tokens.claims();
    assert.equal(claims?.sub, 'user-alice');
    assert.equal(claims?.preferred_username, 'alice');
    assert.equal(claims?.name, 'Alice Example');
    assert.equal(claims?.email, 'alice@example.test');
    assert.deepEqual(claims?.groups, ['planners', 'admins']);
    assert.equal(claims?.nonce, request.checks.expectedNonce);
  });

  it('serves a client that authenticates with client_secret_basic', async () => {
    const basic = await discover(
      peer,
      BASIC_AUTH_CLIENT,
      client.ClientSecretBasic(BASIC_AUTH_CLIENT.clientSecret),
    );
    const request = await authorizationRequest(basic);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    const tokens = await client.authorizationCodeGrant(basic, new URL(callbackUrl), request.checks);
    assert.equal(tokens.claims()?.sub, 'user-alice');
  });

  it('signs in an account added with setAccount, with its claims', async () => {
    peer.setAccount('bob', {
      sub: 'user-bob',
      preferred_username: 'bob',
      email: 'bob@example.test',
      groups: [],
    });
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'bob');
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(callbackUrl),
      request.checks,
    );
    assert.equal(tokens.claims()?.email, 'bob@example.test');
    assert.deepEqual(tokens.claims()?.groups, []);
  });

  it('refuses a login that is not one of its accounts', async () => {
    const request = await authorizationRequest(config);
    await assert.rejects(
      peer.signIn(request.url, 'mallory'),
      /answered \/interaction\/[\w-]+ with 401/,
    );
  });

  it('redirects back with access_denied when the user denies', async () => {
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'alice', { deny: true });
    const params = new URL(callbackUrl).searchParams;
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), request.checks.expectedState);
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callbackUrl), request.checks),
      (error) =>
        error instanceof client.AuthorizationResponseError && error.error === 'access_denied',
    );
  });

  it('requires PKCE', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: PLANNER.redirectUris[0] as string,
      scope: SCOPE,
      state: client.randomState(),
    });
    const { callbackUrl } = await peer.signIn(url.href, 'alice');
    const params = new URL(callbackUrl).searchParams;
    assert.equal(params.get('error'), 'invalid_request');
    assert.match(params.get('error_description') ?? '', /PKCE/);
  });

  it('gives a callback whose state openid-client rejects when it expected another', async () => {
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callbackUrl), {
        ...request.checks,
        expectedState: client.randomState(),
      }),
      (error) =>
        error instanceof client.ClientError &&
        error.code === 'OAUTH_INVALID_RESPONSE' &&
        error.cause instanceof Error &&
        /"state"/.test(error.cause.message),
    );
  });

  it('refuses a code used a second time', async () => {
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    await client.authorizationCodeGrant(config, new URL(callbackUrl), request.checks);
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callbackUrl), request.checks),
      (error) => error instanceof client.ResponseBodyError && error.error === 'invalid_grant',
    );
    assert.equal(peer.tokenErrors.at(-1), 'authorization code already consumed');
  });

  it('refuses a code with the wrong PKCE verifier', async () => {
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callbackUrl), {
        ...request.checks,
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
      }),
      (error) => error instanceof client.ResponseBodyError && error.error === 'invalid_grant',
    );
    assert.equal(peer.tokenErrors.at(-1), 'code_verifier does not match code_challenge');
  });

  it('refuses a client with the wrong secret', async () => {
    const wrong = await discover(peer, { ...PLANNER, clientSecret: 'not-the-secret' });
    const request = await authorizationRequest(wrong);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    await assert.rejects(
      client.authorizationCodeGrant(wrong, new URL(callbackUrl), request.checks),
      (error) =>
        error instanceof client.ResponseBodyError &&
        error.error === 'invalid_client' &&
        error.status === 401,
    );
    assert.equal(peer.tokenErrors.at(-1), 'invalid secret provided');
  });
});

describe('OpenID provider test peer with a short code lifetime', () => {
  let peer: OidcPeer;

  before(async () => {
    peer = await startOidcProvider({
      clients: [PLANNER],
      accounts: { alice: ALICE },
      ttl: { AuthorizationCode: 1 },
    });
  });
  after(() => peer.stop());

  it('refuses a code once its lifetime has passed', async () => {
    const config = await discover(peer, PLANNER);
    const request = await authorizationRequest(config);
    const { callbackUrl } = await peer.signIn(request.url, 'alice');
    await sleep(1_100);
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callbackUrl), request.checks),
      (error) => error instanceof client.ResponseBodyError && error.error === 'invalid_grant',
    );
    assert.deepEqual(peer.tokenErrors, ['authorization code is expired']);
  });
});
