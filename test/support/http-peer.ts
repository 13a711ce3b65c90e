import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback networks the test peers (HTTP, SMTP, SFTP) listen on. The server denies them by
 * default, so the test harnesses allow them explicitly; tests of the network policy opt out.
 */
export const LOOPBACK_NETWORKS: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** A request the peer received, body included. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the peer answers a request on a path; it may also never answer. */
export type Reply = (request: RecordedRequest, response: ServerResponse) => void;

/** A real HTTP server on a loopback address (127.0.0.1 unless told) that records every request and answers per path. */
export interface HttpPeer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  /** Answers requests whose path (without query) is path. Unknown paths get 404. */
  route(path: string, reply: Reply): void;
  /** Resolves with the n-th request (0-based) once it has fully arrived. */
  request(index: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** A reply with a status, headers and a body. */
export function answer(
  status: number,
  headers: Record<string, string> = {},
  body: string | Buffer = '',
): Reply {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };
}

/** Starts a peer on a free port of host (any 127.x.y.z works on Linux). */
export async function startHttpPeer(host = '127.0.0.1'): Promise<HttpPeer> {
  const routes = new Map<string, Reply>();
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ index: number; resolve: (request: RecordedRequest) => void }> = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      for (const waiter of waiters.filter((w) => w.index < requests.length)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(requests[waiter.index] as RecordedRequest);
      }
      const path = new URL(request.url, 'http://peer').pathname;
      (routes.get(path) ?? answer(404, {}, 'no such path'))(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    route: (path, reply) => routes.set(path, reply),
    request: (index) => {
      const arrived = requests[index];
      if (arrived) return Promise.resolve(arrived);
      return new Promise((resolve) => waiters.push({ index, resolve }));
    },
    close: async () => {
      // Requests left unanswered on purpose must not keep the server open.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
