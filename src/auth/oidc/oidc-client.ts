import * as client from 'openid-client';
import type { OidcSettings } from '../../domain/oidc-settings.ts';

/** How long the provider's metadata and keys are trusted before they are read again. */
const CACHE_MS = 10 * 60_000;
const TIMEOUT_SECONDS = 10;

/**
 * The provider's configuration (its discovery document and the client's credentials), read
 * once and kept for ten minutes per issuer, client and secret.
 */
export class OidcClients {
  readonly #cache = new Map<string, { config: Promise<client.Configuration>; at: number }>();

  constructor(private readonly now: () => number) {}

  configuration(settings: OidcSettings): Promise<client.Configuration> {
    const key = JSON.stringify([
      settings.issuer,
      settings.clientId,
      settings.clientSecret,
      settings.clientAuthentication,
      settings.allowHttp,
    ]);
    const cached = this.#cache.get(key);
    if (cached && this.now() - cached.at < CACHE_MS) return cached.config;
    const config = discover(settings);
    this.#cache.clear();
    this.#cache.set(key, { config, at: this.now() });
    // A failed discovery is not kept: the next sign-in tries again.
    config.catch(() => this.#cache.delete(key));
    return config;
  }
}

function discover(settings: OidcSettings): Promise<client.Configuration> {
  const authentication =
    settings.clientAuthentication === 'client_secret_post'
      ? client.ClientSecretPost(settings.clientSecret)
      : client.ClientSecretBasic(settings.clientSecret);
  const insecure = settings.allowHttp && settings.issuer.startsWith('http://');
  return client.discovery(new URL(settings.issuer), settings.clientId, undefined, authentication, {
    timeout: TIMEOUT_SECONDS,
    ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
  });
}
