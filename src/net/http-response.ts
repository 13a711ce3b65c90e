import type { IncomingMessage } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Statuses whose answer has no body, whatever it declares. */
const NO_BODY = new Set([204, 205, 304]);

// Lenient like fetch: a body cut short at the end still yields what arrived.
const LENIENT = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };

function decoder(coding: string): Transform | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip(LENIENT);
    case 'deflate':
      return createInflate(LENIENT);
    case 'br':
      return createBrotliDecompress({
        flush: constants.BROTLI_OPERATION_FLUSH,
        finishFlush: constants.BROTLI_OPERATION_FLUSH,
      });
    default:
      return null;
  }
}

/** The body with its content codings undone, as fetch does; an unknown coding leaves it as sent. */
function decoded(incoming: IncomingMessage): Readable {
  const header = incoming.headers['content-encoding'] ?? '';
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  const decoders = codings.map(decoder);
  if (decoders.length === 0 || decoders.includes(null)) return incoming;
  const streams = decoders as Transform[];
  // pipeline hands an error (a stop, a time limit, bad data) on to the last stream.
  return pipeline([incoming, ...streams], () => {}) as unknown as Readable;
}

/** The answer as a Fetch API Response (status, headers, and the body decoded and streamed). */
export function asResponse(incoming: IncomingMessage, method: string): Response {
  const status = incoming.statusCode ?? 0;
  if (status < 200 || status > 599) {
    incoming.destroy();
    throw new Error(`the server answered with the status ${status}`);
  }
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index] as string, raw[index + 1] as string);
  }
  const empty = method === 'HEAD' || NO_BODY.has(status);
  if (empty) {
    // Nothing reads a body that is not there; a stop while it ends must not throw.
    incoming.on('error', () => {});
    incoming.resume();
  }
  const body = empty ? null : (Readable.toWeb(decoded(incoming)) as ReadableStream<Uint8Array>);
  try {
    return new Response(body, { status, statusText: incoming.statusMessage ?? '', headers });
  } catch {
    // A reason phrase the Fetch API refuses (e.g. not Latin-1) is only decoration.
    return new Response(body, { status, headers });
  }
}
