import type { IncomingMessage } from 'node:http';
import type { NetworkPolicy } from '../domain/network-policy.ts';
import { checkedAddresses, DeniedDestinationError } from './destination.ts';
import { abortReason, exchange, type RequestBody } from './http-exchange.ts';
import { asResponse } from './http-response.ts';

/** A request that reaches only the networks the policy allows, on every redirect too. */
export interface GuardedRequest {
  method: string;
  url: URL;
  /**
   * Headers the task's owner configured, Authorization included: sent while the request stays
   * on the URL's origin, dropped for good once a redirect leaves it (they may be secrets).
   */
  userHeaders: Headers;
  /** Headers the component sets for its own body (e.g. its content type); they go with the body. */
  bodyHeaders?: Headers;
  body?: RequestBody;
  signal: AbortSignal;
  policy: NetworkPolicy;
}

/** The final answer and the URL it came from, after redirects. */
export interface GuardedResponse {
  response: Response;
  url: URL;
}

/** As fetch: more redirects than this fail the request. */
const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that describe a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];

/** One request of the chain. */
interface Hop {
  method: string;
  url: URL;
  body: RequestBody | undefined;
  bodyHeaders: Headers;
  /** Empty once the chain has left the first origin. */
  userHeaders: Headers;
}

/** What fetch sends unless told otherwise (the body's own type for text, as fetch gives it). */
function defaultHeaders(hop: Hop): Headers {
  const headers = new Headers({
    host: hop.url.host,
    accept: '*/*',
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': 'taskplanner',
  });
  if (typeof hop.body === 'string') headers.set('content-type', 'text/plain;charset=UTF-8');
  return headers;
}

/** The headers of a hop: the defaults, then the owner's, then the component's own for its body. */
function hopHeaders(hop: Hop): Headers {
  const headers = defaultHeaders(hop);
  for (const [name, value] of hop.userHeaders) headers.set(name, value);
  for (const [name, value] of hop.bodyHeaders) headers.set(name, value);
  return headers;
}

/** The URL a redirect leads to; only http and https are followed. */
function locationOf(incoming: IncomingMessage, from: URL): URL | null {
  const location = incoming.headers.location;
  if (location === undefined) return null;
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    throw new Error(`the redirect to '${location}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`the redirect to a ${url.protocol} URL is not followed`);
  }
  return url;
}

/** The hop a redirect asks for, as fetch makes it: 301/302 after POST and 303 become a GET. */
function redirected(hop: Hop, status: number, url: URL): Hop {
  const toGet =
    ((status === 301 || status === 302) && hop.method === 'POST') ||
    (status === 303 && hop.method !== 'HEAD' && hop.method !== 'GET');
  const userHeaders = url.origin === hop.url.origin ? new Headers(hop.userHeaders) : new Headers();
  if (!toGet) return { ...hop, url, userHeaders };
  for (const name of BODY_HEADERS) userHeaders.delete(name);
  return { method: 'GET', url, body: undefined, bodyHeaders: new Headers(), userHeaders };
}

/** The promise's outcome, unless the signal is aborted first (a resolver can take long to give up). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(abortReason(signal));
    signal.addEventListener('abort', stop, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/** Sends one hop to its checked destination. */
async function send(hop: Hop, request: GuardedRequest): Promise<IncomingMessage> {
  const port = Number(hop.url.port || (hop.url.protocol === 'https:' ? 443 : 80));
  const checked = checkedAddresses(hop.url.hostname, port, request.policy);
  const addresses = await untilAborted(checked, request.signal);
  return exchange({
    method: hop.method,
    url: hop.url,
    addresses,
    headers: hopHeaders(hop),
    body: hop.body,
    signal: request.signal,
  });
}

/**
 * Requests a URL like fetch, but connects only to addresses the policy allows, checked after
 * resolving each host of the chain and pinned for the connection; follows redirects itself so
 * that each is checked, and sends the owner's headers only while on the first origin.
 */
export async function guardedFetch(request: GuardedRequest): Promise<GuardedResponse> {
  let hop: Hop = {
    method: request.method,
    url: request.url,
    body: request.body,
    bodyHeaders: request.bodyHeaders ?? new Headers(),
    userHeaders: request.userHeaders,
  };
  for (let redirects = 0; ; redirects++) {
    const incoming = await send(hop, request).catch((error: unknown) => {
      throw error instanceof DeniedDestinationError && redirects > 0
        ? error.redirectedTo(hop.url)
        : error;
    });
    const status = incoming.statusCode ?? 0;
    let next: URL | null;
    try {
      next = REDIRECT_STATUSES.has(status) ? locationOf(incoming, hop.url) : null;
    } catch (error) {
      incoming.destroy();
      throw error;
    }
    if (next === null) return { response: asResponse(incoming, hop.method), url: hop.url };
    // The redirect's own body is of no use; the connection is not kept for the next hop.
    incoming.destroy();
    if (redirects === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    hop = redirected(hop, status, next);
  }
}
