import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm install` (npm run build:web) puts the built browser UI. */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Task Planner</title></head>
<body><h1>Task Planner</h1><p>The browser interface has not been built: run <code>npm run build:web</code>
(<code>npm install</code> does it). The <a href="/api/docs">API</a> works meanwhile.</p></body></html>`;

/** Whether a request not matched by any route is a page of the UI (the UI routes in the browser). */
export function isUiPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return (
    request.method === 'GET' &&
    !path.startsWith('/api/') &&
    !path.startsWith('/hooks/') &&
    !path.startsWith('/assets/') &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

/**
 * Answers a UI page with the UI's index.html (or a note that the UI is not built), read from
 * disk each time, so a build made while the server runs is the one served.
 */
export function sendUiPage(reply: FastifyReply, root = WEB_ROOT): FastifyReply {
  if (!existsSync(join(root, 'index.html'))) {
    return reply.type('text/html; charset=utf-8').send(MISSING_PAGE);
  }
  return reply.sendFile('index.html', root);
}

/**
 * Serves the built UI at /: every page through index.html, and the hashed assets by their
 * path, looked up on disk per request (not listed once at start), so the assets of a build made
 * while the server runs are found; they are cached for good, as a new build names them anew.
 */
export async function registerWebUi(app: FastifyInstance, root = WEB_ROOT): Promise<void> {
  // The build's hashed files (scripts, styles); only they are files of their own.
  const assets = join(root, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    wildcard: true,
    index: false,
    // Not built yet is normal (the page says so); the folder may appear later.
    suppressWarning: true,
    // index.html goes through the same sendFile (sendUiPage): it is revalidated every time.
    setHeaders: (response, path) => {
      const hashed = path.startsWith(`${assets}/`);
      response.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendUiPage(reply, root));
}
