// Where a calendar trigger (or a schedule's holiday calendar) reads its iCalendar text: a file in
// the allowed folders, or an https URL fetched with the network policy, conditionally (ETag,
// Last-Modified), with limits.
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { CALENDAR_LIMITS } from '../../../calendar/calendar-events.ts';
import type { NetworkPolicy } from '../../../domain/network-policy.ts';
import { guardedFetch } from '../../../net/guarded-fetch.ts';
import type { TriggerContext } from '../../run-context.ts';
import { componentPolicy, requestError, statusText } from '../http-request.ts';

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
  const file = await open(path, 'r').catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`the file ${path} does not exist`);
    if (code === 'EACCES') throw new Error(`the server may not read the file ${path}`);
    throw error;
  });
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

const MINUTE_MS = 60_000;
/** A file's changes settle for this long (real time) before it is read again. */
const FILE_SETTLE_MS = 300;

/** What reading a calendar needs of its trigger: the folder check and network policy, a log, timers. */
export type ReaderContext = Pick<TriggerContext, 'host' | 'log' | 'setTimer'>;

/** A calendar at a URL, as a calendar trigger (or a schedule's exclusion, with the defaults) names it. */
export interface UrlSource {
  url: string;
  /** The Authorization header's value, if any. */
  authorization?: string;
  /** Default: 60. */
  refreshMinutes?: number;
  /** Default: 30. */
  timeoutSeconds?: number;
}

/** Reads the calendar text from its source; null when it did not change. */
export interface CalendarReader {
  read(signal: AbortSignal): Promise<CalendarRead>;
  /** Calls onChange when the source may have changed (a file event, the refresh interval); returns how to stop. */
  watch(onChange: () => void): () => Promise<void>;
}

/** Reads a file in the allowed folders (checked at each read), and watches its folder. */
export function fileReader(file: string, context: ReaderContext): CalendarReader {
  return {
    // The allowed folders may have changed since the last read: checked each time.
    read: async () =>
      readCalendarFile(await context.host.allowedPath(file), CALENDAR_LIMITS.maxBytes),
    watch: (onChange) => {
      let watcher: FSWatcher | undefined;
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      const started = context.host.allowedPath(file).then((real) => {
        if (closed) return;
        // The folder, not the file: editors and sync tools replace a file by renaming over it.
        watcher = watch(dirname(real), { ignoreInitial: true, depth: 0, followSymlinks: false });
        watcher.on('all', (_event, changed) => {
          if (basename(changed) !== basename(real)) return;
          clearTimeout(timer);
          timer = setTimeout(onChange, FILE_SETTLE_MS);
        });
        watcher.on('error', (error) => context.log.error(`calendar: ${String(error)}`));
      });
      // Not watching is reported by the read, which fails the same way.
      started.catch(() => {});
      return async () => {
        closed = true;
        clearTimeout(timer);
        await started.catch(() => {});
        await watcher?.close();
      };
    },
  };
}

/** Fetches a URL with the network policy, conditionally, and again every refreshMinutes. */
export function urlReader(source: UrlSource, context: ReaderContext): CalendarReader {
  const calendar = new UrlCalendar(calendarUrl(source.url));
  return {
    read: async (signal) =>
      calendar.fetch({
        ...(source.authorization === undefined ? {} : { authorization: source.authorization }),
        timeoutSeconds: source.timeoutSeconds ?? 30,
        maxBytes: CALENDAR_LIMITS.maxBytes,
        policy: await componentPolicy(context.host),
        signal,
      }),
    watch: (onChange) => {
      const everyMs = (source.refreshMinutes ?? 60) * MINUTE_MS;
      let cancel = () => {};
      const arm = () => {
        cancel = context.setTimer(everyMs, () => {
          arm();
          onChange();
        });
      };
      arm();
      return async () => cancel();
    },
  };
}
