import { existsSync } from 'node:fs';
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

/** Answers a UI page with the UI's index.html (or a note that the UI is not built). */
export function sendUiPage(reply: FastifyReply): FastifyReply {
  if (!existsSync(`${WEB_ROOT}index.html`)) {
    return reply.type('text/html; charset=utf-8').send(MISSING_PAGE);
  }
  return reply.header('cache-control', 'no-cache').sendFile('index.html', WEB_ROOT);
}

/** Serves the built UI at /: hashed assets cached for good, every page through index.html. */
export async function registerWebUi(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/',
    wildcard: false,
    index: false,
    serve: existsSync(WEB_ROOT),
    setHeaders: (response, path) => {
      if (path.includes('/assets/')) {
        response.header('cache-control', 'public, max-age=31536000, immutable');
      }
    },
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendUiPage(reply));
}
