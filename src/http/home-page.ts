import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Task Planner</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}a{color:#8cf}}</style></head>
<body><h1>Task Planner</h1>
<p>The service is running. The browser interface is on its way; until then, use the API.</p>
<ul><li><a href="/api/docs">API documentation</a> (OpenAPI at <a href="/api/openapi.json">/api/openapi.json</a>)</li>
<li><a href="/healthz">/healthz</a> and <a href="/readyz">/readyz</a></li></ul>
</body></html>`;

/** The page at / until the web UI is built. */
export function registerHomePage(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
}
