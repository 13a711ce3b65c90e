// Where a calendar trigger reads its iCalendar text: a file in the allowed folders, or an https
// URL fetched with the network policy, conditionally (ETag, Last-Modified), with limits.
import { open } from 'node:fs/promises';
import type { NetworkPolicy } from '../../../domain/network-policy.ts';
import { guardedFetch } from '../../../net/guarded-fetch.ts';
import { requestError, statusText } from '../http-request.ts';

/** The calendar's text; or null when it did not change since the last read. */
export type CalendarRead = string | null;

/** A calendar's URL, as the trigger accepts it: https, without credentials in it. */
export function calendarUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`'${text}' is not an absolute URL`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`a calendar URL must be https://, not ${url.protocol}//`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error('the URL contains credentials; put them in the authorization field instead');
  }
  return url;
}

/** A calendar larger than the server reads. */
class TooLarge extends Error {}

function tooLarge(what: string, maxBytes: number): Error {
  return new TooLarge(
    `${what} is larger than ${maxBytes / (1024 * 1024)} MB, the most this server reads`,
  );
}

/** Reads a file (at its checked real path) as UTF-8, failing past maxBytes without reading it all. */
export async function readCalendarFile(path: string, maxBytes: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    if (info.size > maxBytes) throw tooLarge(`the calendar file ${path}`, maxBytes);
    // The file may grow between stat and read: read one byte past the limit to tell.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, size, buffer.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes) throw tooLarge(`the calendar file ${path}`, maxBytes);
      if (size === buffer.length) break;
    }
    return buffer.subarray(0, size).toString('utf8');
  } finally {
    await file.close();
  }
}

/** How a calendar URL is fetched. */
export interface UrlFetchOptions {
  /** The Authorization header's value, if any (sent only to the URL's own origin). */
  authorization?: string;
  timeoutSeconds: number;
  maxBytes: number;
  policy: NetworkPolicy;
  /** Stops the request (the trigger stopped). */
  signal: AbortSignal;
}

/** What a previous answer said, to ask whether it changed. */
interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** The body's text, failing past maxBytes. */
async function bodyText(response: Response, what: string, maxBytes: number): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(`the answer of ${what}`, maxBytes);
  }
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const read = await (reader?.read() ?? { done: true as const, value: undefined });
    if (read.done) break;
    const chunk = read.value as Uint8Array;
    size += chunk.byteLength;
    if (size > maxBytes) {
      await reader?.cancel().catch(() => {});
      throw tooLarge(`the answer of ${what}`, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A calendar at a URL, fetched on request: conditionally after the first answer (If-None-Match,
 * If-Modified-Since), so that an unchanged calendar answers 304 and reads as null.
 */
export class UrlCalendar {
  #validators: Validators = { etag: null, lastModified: null };

  constructor(private readonly url: URL) {}

  /** Fetches the calendar: its text, or null when the server says it did not change. */
  async fetch(options: UrlFetchOptions): Promise<CalendarRead> {
    const what = `GET ${this.url.href}`;
    const headers = new Headers({ accept: 'text/calendar, */*;q=0.5' });
    if (options.authorization) headers.set('authorization', options.authorization);
    if (this.#validators.etag !== null) headers.set('if-none-match', this.#validators.etag);
    if (this.#validators.lastModified !== null) {
      headers.set('if-modified-since', this.#validators.lastModified);
    }
    const signal = AbortSignal.any([
      options.signal,
      AbortSignal.timeout(options.timeoutSeconds * 1000),
    ]);
    const explain = (error: unknown) =>
      requestError(what, error, options.signal, options.timeoutSeconds);
    const { response, url } = await guardedFetch({
      method: 'GET',
      url: this.url,
      userHeaders: headers,
      signal,
      policy: options.policy,
    }).catch((error: unknown) => Promise.reject(explain(error)));
    if (url.protocol !== this.url.protocol) {
      await response.body?.cancel();
      throw new Error(`${what} was redirected to ${url.href}, which leaves https://`);
    }
    const conditional = headers.has('if-none-match') || headers.has('if-modified-since');
    if (response.status === 304 && conditional) return null;
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel();
      throw new Error(`${what} answered ${statusText(response)}`);
    }
    const text = await bodyText(response, what, options.maxBytes).catch((error: unknown) =>
      Promise.reject(error instanceof TooLarge ? error : explain(error)),
    );
    this.#validators = {
      etag: response.headers.get('etag'),
      lastModified: response.headers.get('last-modified'),
    };
    return text;
  }
}
