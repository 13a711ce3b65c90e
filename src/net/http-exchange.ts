import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pinnedLookup } from './destination.ts';
import { coerceError } from '../domain/coerce-error.ts';

/** A request body: text as written, or a form sent as multipart/form-data. */
export type RequestBody = string | FormData;

/** One request to one checked destination. */
export interface Exchange {
  method: string;
  url: URL;
  /** The addresses the destination was checked at; the connection goes to one of these. */
  addresses: readonly LookupAddress[];
  headers: Headers;
  body: RequestBody | undefined;
  signal: AbortSignal;
}

/** The body's bytes and the headers it needs (its length, or a form's multipart type). */
interface EncodedBody {
  headers: Record<string, string>;
  data: Buffer | Readable;
}

function encoded(body: RequestBody): EncodedBody {
  if (typeof body === 'string') {
    const data = Buffer.from(body);
    return { headers: { 'content-length': String(data.byteLength) }, data };
  }
  // The Fetch API's own encoder writes the parts and the boundary the content type names.
  const form = new Response(body);
  const type = form.headers.get('content-type') ?? 'multipart/form-data';
  const stream = form.body as NodeReadableStream<Uint8Array> | null;
  return {
    headers: { 'content-type': type },
    data: stream === null ? Buffer.alloc(0) : Readable.fromWeb(stream),
  };
}

/** The reason the signal was aborted with, as an Error (a timeout's is a TimeoutError). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

function outgoingHeaders(headers: Headers, body: EncodedBody | null): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = Object.fromEntries(headers);
  return body === null ? result : { ...result, ...body.headers };
}

/**
 * Sends the request to one of its checked addresses and resolves with the answer, its body not
 * read yet. The signal ends the request and, later, the reading of the body, with its reason.
 */
export function exchange(request: Exchange): Promise<IncomingMessage> {
  const { url, signal } = request;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = url.protocol === 'https:';
  const body = request.body === undefined ? null : encoded(request.body);
  const send = secure ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const outgoing = send({
      host,
      port: Number(url.port || (secure ? 443 : 80)),
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: outgoingHeaders(request.headers, body),
      // A fresh connection each time, made to a checked address only (a name is not resolved again).
      agent: false,
      lookup: pinnedLookup(request.addresses),
      ...(secure && isIP(host) === 0 ? { servername: host } : {}),
    });
    let incoming: IncomingMessage | null = null;
    const stop = () => {
      const reason = abortReason(signal);
      outgoing.destroy(reason);
      incoming?.destroy(reason);
    };
    signal.addEventListener('abort', stop, { once: true });
    // Also after the answer came: a stop destroys the request once more, which must not throw.
    outgoing.on('error', (error) => {
      signal.removeEventListener('abort', stop);
      reject(error);
    });
    outgoing.once('response', (answer) => {
      incoming = answer;
      answer.once('close', () => signal.removeEventListener('abort', stop));
      resolve(answer);
    });
    if (body === null || Buffer.isBuffer(body.data)) {
      outgoing.end(body?.data);
    } else {
      // A part that cannot be read (a file removed meanwhile) fails the request.
      pipeline(body.data, outgoing).catch((error: unknown) => outgoing.destroy(coerceError(error)));
    }
  });
}
