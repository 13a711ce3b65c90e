import { maxHeaderSize, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { problem } from './problem.ts';

/**
 * Requests Node's HTTP parser refuses never reach Fastify: they are answered here, on the
 * socket, as application/problem+json, and the connection is closed.
 */

/** An error Node's HTTP server reports for a connection (llhttp's HPE_* codes and a few more). */
export interface ClientError extends Error {
  code?: string;
  /** The bytes the parser was reading when it gave up (a Buffer, whatever Fastify's types say). */
  rawPacket?: unknown;
}

/** How long a refused connection may still send (read and dropped) before it is closed. */
const LINGER_MS = 2000;

const HEADER_LIMIT = `${Math.round(maxHeaderSize / 1024)} KB`;

/** What each parser error means to the client, and its status (400 unless said). */
const PARSER_ERRORS: Record<string, { status?: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    detail: `The request line and headers are longer than ${HEADER_LIMIT}, the most this server reads`,
  },
  HPE_UNEXPECTED_CONTENT_LENGTH: {
    detail: 'The request sends Content-Length twice, or with Transfer-Encoding',
  },
  HPE_INVALID_TRANSFER_ENCODING: {
    detail: 'The request sends Transfer-Encoding with Content-Length, or one that is not chunked',
  },
  HPE_INVALID_CONTENT_LENGTH: { detail: 'Content-Length is not a number of bytes' },
  HPE_INVALID_CHUNK_SIZE: { detail: 'A chunk of the chunked body has no valid size' },
  HPE_INVALID_METHOD: {
    detail: 'The request does not start with an HTTP method this server knows',
  },
  HPE_INVALID_URL: {
    detail:
      'The request target is not a valid URL path (no spaces or control characters, NUL included)',
  },
  HPE_INVALID_VERSION: { detail: 'The request is not HTTP/1.0 or HTTP/1.1' },
  HPE_INVALID_HEADER_TOKEN: {
    detail: 'A header name or value holds a character HTTP does not allow',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'The request did not arrive in time' },
};

/** The request line at the start of the bytes, if they start with one: 'GET /path?query HTTP/1.1'. */
function requestLineOf(raw: unknown): string | undefined {
  const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : '';
  if (!/^[A-Z]+ \//.test(text)) return undefined;
  const end = text.indexOf('\r\n');
  return end === -1 ? text : text.slice(0, end);
}

/** The path of the request, when it is short, printable and complete; else nothing. */
function pathOf(line: string | undefined): string | undefined {
  return /^[A-Z]+ (\/[\x21-\x3e\x40-\x7e]{0,200})(?:\?\S*)? HTTP\/\d\.\d$/.exec(line ?? '')?.[1];
}

/** The status and detail for an error: a URL (request line) over the limit is 414. */
function meaningOf(error: ClientError): { status: number; detail: string } {
  const line = requestLineOf(error.rawPacket);
  if (error.code === 'HPE_HEADER_OVERFLOW' && line !== undefined && line.length > maxHeaderSize) {
    return {
      status: 414,
      detail: `The URL is longer than ${HEADER_LIMIT}, the most this server reads`,
    };
  }
  const known = PARSER_ERRORS[error.code ?? ''];
  const detail = known?.detail ?? `The request is not valid HTTP/1.1 (${error.code ?? 'unknown'})`;
  return { status: known?.status ?? 400, detail };
}

/** The whole answer, status line to body, as bytes. */
function answerFor(error: ClientError): Buffer {
  const { status, detail } = meaningOf(error);
  const path = pathOf(requestLineOf(error.rawPacket));
  const body = JSON.stringify({ ...problem('VALIDATION_FAILED', detail, path), status });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `Date: ${new Date().toUTCString()}`,
    'Connection: close',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Whether an answer now would be taken for another's: a response has begun, or one is still to
 * come for an earlier request of the pipeline (received whole). A response waiting for the very
 * request whose body the parser refused (incomplete) is replaced by the problem.
 */
function answering(socket: Socket): boolean {
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (response === null || response === undefined) return false;
  return response.headersSent || response.req.complete;
}

/** Ends the socket after the answer; it is destroyed when the client closes, or soon after. */
function closeAfter(socket: Socket, answer: Buffer): void {
  socket.end(answer);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
}

/**
 * Fastify's clientErrorHandler: answers a request the HTTP parser refused with a problem
 * (Connection: close) and closes the socket. A socket already destroyed, already answered,
 * or in the middle of a response gets nothing written.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  if (socket.destroyed || socket.writableEnded) return;
  if (error.code === 'ECONNRESET' || !socket.writable || answering(socket)) {
    socket.destroy();
    return;
  }
  closeAfter(socket, answerFor(error));
}
