import * as client from 'openid-client';
import { auditEvent } from '../../domain/audit.ts';
import { coerceError } from '../../domain/coerce-error.ts';
import { redirectUriOf, type OidcSettings } from '../../domain/oidc-settings.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { OidcSettingsService } from '../../settings/oidc-settings-service.ts';
import type { Store } from '../../store/store.ts';
import type { Login } from '../login-service.ts';
import type { SessionManager } from '../session-manager.ts';
import { signedInAccount, type Claims } from './oidc-accounts.ts';
import type { OidcClients } from './oidc-client.ts';
import { SignInError } from './sign-in-error.ts';
import {
  openState,
  safeReturnPath,
  sealState,
  SIGN_IN_MS,
  type SignInState,
} from './sign-in-state.ts';

/** Where a sign-in goes: the provider's page, and the sealed state the browser keeps meanwhile. */
export interface SignInStart {
  location: string;
  state: string;
}

/** A finished sign-in: the session, and the UI path to go back to. */
export type SignedIn = Login & { returnTo: string };

/**
 * Single sign-on with an OpenID provider: the authorization code flow with PKCE (S256), a state
 * and a nonce, all kept sealed in a cookie of the browser that began it. The ID token is checked
 * by openid-client (issuer, audience, expiry, nonce, signature); the account comes from its
 * claims.
 */
export class OidcSignIn {
  constructor(
    private readonly store: Store,
    private readonly settings: OidcSettingsService,
    private readonly sessions: SessionManager,
    private readonly box: SecretBox,
    private readonly clients: OidcClients,
    private readonly now: () => Date,
  ) {}

  /** The provider's name for the login page's button, or null when SSO is off. */
  async providerName(): Promise<string | null> {
    return (await this.settings.current())?.name ?? null;
  }

  async start(returnTo: string | undefined): Promise<SignInStart> {
    const settings = await this.#settings();
    const config = await this.#configuration(settings);
    const state: SignInState = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      returnTo: safeReturnPath(returnTo),
      issuer: settings.issuer,
      expiresAt: this.now().getTime() + SIGN_IN_MS,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUriOf(settings),
      scope: settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(state.codeVerifier),
      code_challenge_method: 'S256',
      state: state.state,
      nonce: state.nonce,
    });
    return { location: url.href, state: sealState(this.box, state) };
  }

  /** Finishes the sign-in the provider sent the browser back from (query: code, state, iss…). */
  async finish(
    query: string,
    sealedState: string | undefined,
    browser: { address: string; userAgent: string },
  ): Promise<SignedIn> {
    const state = openState(this.box, sealedState, this.now().getTime());
    if (!state) {
      throw new SignInError('The sign-in took too long or began in another browser; try again');
    }
    const settings = await this.#settings();
    if (settings.issuer !== state.issuer) {
      throw new SignInError('Single sign-on was changed during the sign-in; try again');
    }
    const claims = await this.#claims(settings, state, query);
    const actor = { userId: null, login: String(claims.sub), address: browser.address };
    return this.store.transaction(async (store) => {
      const now = this.now();
      const user = await signedInAccount(store, settings, claims, actor, now);
      if (user.disabled) throw new SignInError('Your account here is disabled');
      const { token, session } = await this.sessions.withStore(store).start(user, browser);
      const signedIn = { ...actor, userId: user.id, login: user.login };
      const details = { via: 'oidc', issuer: settings.issuer };
      await store.audit.append(auditEvent(signedIn, now, 'user.login', 'user', user.id, details));
      const permissions = await store.users.effectivePermissions(user.id);
      return { token, session, user, permissions, returnTo: state.returnTo };
    });
  }

  async #claims(settings: OidcSettings, state: SignInState, query: string): Promise<Claims> {
    const config = await this.#configuration(settings);
    // Read against the registered redirect URI, whatever address the request came in at.
    const current = new URL(`${redirectUriOf(settings)}?${query}`);
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: state.codeVerifier,
        expectedState: state.state,
        expectedNonce: state.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider sent no ID token');
      return claims;
    } catch (error) {
      throw new SignInError(refusal(error), error);
    }
  }

  async #settings(): Promise<OidcSettings> {
    const settings = await this.settings.current();
    if (!settings) throw new SignInError('Single sign-on is not set up on this server');
    return settings;
  }

  async #configuration(settings: OidcSettings): Promise<client.Configuration> {
    try {
      return await this.clients.configuration(settings);
    } catch (error) {
      throw new SignInError(
        'The sign-in provider cannot be reached right now; try again later, or log in with a password',
        error,
      );
    }
  }
}

/** What to tell the user about a sign-in the provider's answer did not complete. */
function refusal(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? 'The sign-in was cancelled at the provider'
      : `The provider refused the sign-in (${error.error})`;
  }
  if (error instanceof client.ResponseBodyError) {
    return error.error === 'invalid_grant'
      ? 'The provider no longer accepts this sign-in (it took too long or was used already); try again'
      : `The provider refused the sign-in (${error.error})`;
  }
  // openid-client names the check that failed (state, audience, nonce…) in the cause.
  const reason =
    error instanceof client.ClientError && error.cause instanceof Error ? error.cause : error;
  return `The provider's answer could not be verified: ${coerceError(reason).message}`;
}
