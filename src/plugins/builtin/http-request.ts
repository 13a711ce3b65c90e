// Request helpers shared by the kinds that make HTTP requests (the HTTP job, the webhook action).
import type { NetworkPolicy } from '../../domain/network-policy.ts';
import { DeniedDestinationError } from '../../net/destination.ts';
import { serverNetworkPolicy } from '../../net/server-policy.ts';
import type { RunHost } from '../run-host.ts';

/** The address to request: an absolute http(s) URL without credentials (they belong in authorization). */
export function requestUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`'${text}' is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${url.protocol} URLs are not supported; use http:// or https://`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error('the URL contains credentials; put them in the authorization field instead');
  }
  return url;
}

/** The request headers: the plain ones plus the secret Authorization. */
export function requestHeaders(
  headers: Readonly<Record<string, string>>,
  authorization: string | undefined,
): Headers {
  const result = new Headers(headers);
  if (authorization !== undefined && authorization !== '') {
    result.set('authorization', authorization);
  }
  return result;
}

/** The run's signal, plus a time limit when one is set. */
export function requestSignal(
  signal: AbortSignal,
  timeoutSeconds: number | undefined,
): AbortSignal {
  return timeoutSeconds === undefined
    ? signal
    : AbortSignal.any([signal, AbortSignal.timeout(timeoutSeconds * 1000)]);
}

/** The network policy the settings give now, for a component's requests. */
export async function componentPolicy(host: Pick<RunHost, 'settings'>): Promise<NetworkPolicy> {
  return serverNetworkPolicy(await host.settings());
}

/**
 * A clear message for a request that failed before a complete answer: a stop, the time limit,
 * a destination the network settings refuse (its own message says why), or the network's reason.
 */
export function requestError(
  what: string,
  error: unknown,
  signal: AbortSignal,
  timeoutSeconds: number | undefined,
): Error {
  if (signal.aborted) return new Error(`${what} was stopped`);
  if (error instanceof DeniedDestinationError) return error;
  const failure = error instanceof Error ? error : new Error(String(error));
  if (failure.name === 'TimeoutError') {
    return new Error(`${what} got no complete answer within ${timeoutSeconds ?? '?'} s`);
  }
  const cause = failure.cause instanceof Error ? failure.cause.message : failure.message;
  return new Error(`${what} failed: ${cause}`);
}

/** The status and its text, e.g. "404 Not Found". */
export function statusText(response: Response): string {
  return response.statusText === ''
    ? String(response.status)
    : `${response.status} ${response.statusText}`;
}
