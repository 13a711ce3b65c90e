import { open, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { guardedFetch } from '../../../net/guarded-fetch.ts';
import { defineJob } from '../../define-kind.ts';
import type { FileResult } from '../../results.ts';
import type { JobContext } from '../../run-context.ts';
import { AuthorizationField, HeadersField, TimeoutField } from '../http-fields.ts';
import {
  componentPolicy,
  requestError,
  requestHeaders,
  requestSignal,
  requestUrl,
  statusText,
} from '../http-request.ts';

const MEGABYTE = 1024 * 1024;

/** Longest file name kept from a response (the extension is kept when cutting). */
const MAX_NAME_CHARS = 200;

const HttpConfig = Type.Object(
  {
    method: Type.Union(
      ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((method) =>
        Type.Literal(method),
      ),
      { default: 'GET', description: 'The HTTP method' },
    ),
    url: Type.String({
      minLength: 1,
      maxLength: 8192,
      destination: true,
      description: 'The http:// or https:// address to request',
    }),
    headers: HeadersField,
    authorization: AuthorizationField,
    body: Type.Optional(
      Type.String({ maxLength: 10 * MEGABYTE, description: 'The request body, sent as written' }),
    ),
    expectedStatus: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        minItems: 1,
        maxItems: 100,
        title: 'Expected status codes',
        description: 'Status codes that mean success; any other fails the job. Default: any 2xx',
      }),
    ),
    timeoutSeconds: TimeoutField,
    maxMegabytes: Type.Integer({
      minimum: 1,
      maximum: 10_240,
      default: 100,
      title: 'Largest response (MB)',
      description: 'A response body larger than this many megabytes fails the job',
    }),
  },
  { additionalProperties: false },
);

type Config = Static<typeof HttpConfig>;

/** The file name in a Content-Disposition header: filename* (RFC 5987) first, then filename. */
function dispositionName(header: string | null): string | null {
  if (header === null) return null;
  const extended = /filename\*\s*=\s*[^']*'[^']*'([^;\s]+)/i.exec(header)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended);
    } catch {
      // Badly encoded: fall back to the plain filename.
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header)?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, '$1');
  return /filename\s*=\s*([^;\s]+)/i.exec(header)?.[1] ?? null;
}

/**
 * A name that is safe as one file in the work folder: its last path segment, without control
 * characters, not "." or "..", not too long. Null when nothing usable is left.
 */
export function safeFileName(name: string): string | null {
  const last = name.split(/[/\\]/).pop() ?? '';
  const printable = [...last].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code >= 0x20 && code !== 0x7f;
  });
  const trimmed = printable.join('').trim();
  if (trimmed === '' || trimmed === '.' || trimmed === '..') return null;
  if (trimmed.length <= MAX_NAME_CHARS) return trimmed;
  const extension = extname(trimmed).slice(0, 20);
  return trimmed.slice(0, MAX_NAME_CHARS - extension.length) + extension;
}

/** The last segment of the URL's path, decoded. */
function urlName(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The result's name: Content-Disposition's filename, else the last path segment of the URL the
 * answer came from (after redirects), else "response".
 */
export function responseFileName(response: Response, finalUrl: URL): string {
  const fromHeader = dispositionName(response.headers.get('content-disposition'));
  return (
    (fromHeader === null ? null : safeFileName(fromHeader)) ??
    safeFileName(urlName(finalUrl)) ??
    'response'
  );
}

/** A body larger than the job allows. */
class TooLarge extends Error {}

/**
 * Streams the body into path, failing (and removing the part written) past maxBytes; explain
 * turns a failed read into a clear message.
 */
async function saveBody(
  response: Response,
  path: string,
  maxBytes: number,
  what: string,
  explain: (error: unknown) => Error,
): Promise<number> {
  const tooLarge = () =>
    new TooLarge(`the answer to ${what} is larger than ${maxBytes / MEGABYTE} MB (maxMegabytes)`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const reader = response.body?.getReader();
  const file = await open(path, 'w');
  let size = 0;
  try {
    for (;;) {
      const read = await (reader?.read() ?? { done: true, value: undefined });
      if (read.done) break;
      const chunk = read.value as Uint8Array;
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge();
      await file.write(chunk);
    }
  } catch (error) {
    await reader?.cancel().catch(() => {});
    await file.close();
    await rm(path, { force: true });
    throw error instanceof TooLarge ? error : explain(error);
  }
  await file.close();
  return size;
}

function isExpected(status: number, expected: readonly number[] | undefined): boolean {
  return expected === undefined ? status >= 200 && status <= 299 : expected.includes(status);
}

async function runHttp(config: Config, context: JobContext): Promise<FileResult[]> {
  const url = requestUrl(config.url);
  const what = `${config.method} ${url.href}`;
  const explain = (error: unknown) =>
    requestError(what, error, context.signal, config.timeoutSeconds);
  const { response, url: finalUrl } = await guardedFetch({
    method: config.method,
    url,
    userHeaders: requestHeaders(config.headers, config.authorization),
    ...(config.body === undefined ? {} : { body: config.body }),
    signal: requestSignal(context.signal, config.timeoutSeconds),
    policy: await componentPolicy(context.host),
  }).catch((error: unknown) => Promise.reject(explain(error)));
  context.output('status', response.status);
  if (!isExpected(response.status, config.expectedStatus)) {
    await response.body?.cancel();
    const expected = config.expectedStatus?.join(', ') ?? 'any 2xx';
    throw new Error(`${what} answered ${statusText(response)}, expected ${expected}`);
  }
  const name = responseFileName(response, finalUrl);
  const path = join(await context.workDir(), name);
  const size = await saveBody(response, path, config.maxMegabytes * MEGABYTE, what, explain);
  context.log.info(`${what} answered ${statusText(response)}: ${name}, ${size} bytes`);
  const mediaType = response.headers.get('content-type');
  return [{ type: 'file', name, path, ...(mediaType === null ? {} : { mediaType }) }];
}

/** Requests a URL and saves the response body as a file result. */
export const httpJob = defineJob({
  kind: 'http',
  title: 'HTTP request',
  description:
    "Requests a URL and saves the response body as a file, named from the answer's Content-Disposition or the URL",
  configSchema: HttpConfig,
  permission: 'job.http',
  produces: ['file'],
  run: runHttp,
});
