// The built UI as the server serves it, while it is rebuilt under a running server: the new
// index.html and the new hashed assets are served at once, the old assets are gone.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { isUiPage, registerWebUi, sendUiPage } from '../../src/http/web-ui.ts';

/** Writes a build as Vite does: the folder emptied, then index.html naming its hashed script. */
function build(root: string, hash: string): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'assets', `index-${hash}.js`), `console.log('${hash}');\n`);
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><title>UI</title><script type="module" src="/assets/index-${hash}.js"></script>`,
  );
}

describe('the built UI while it is rebuilt', () => {
  let folder = '';
  let root = '';
  let app: FastifyInstance;
  const page = (path: string) => app.inject({ url: path, headers: { accept: 'text/html' } });

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tp-web-ui-'));
    root = join(folder, 'web');
    app = Fastify();
    app.setNotFoundHandler((request, reply) =>
      isUiPage(request) ? sendUiPage(reply, root) : reply.status(404).send('no route'),
    );
    // Registered before any build exists, as a server started before `npm run build:web`.
    await registerWebUi(app, root);
    await app.ready();
  });
  after(async () => {
    await app?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('says the UI is not built until it is, then serves the page and its assets', async () => {
    const before = await page('/tasks');
    assert.equal(before.statusCode, 200);
    assert.match(before.body, /has not been built/);
    assert.equal((await app.inject('/assets/index-one.js')).statusCode, 404);

    build(root, 'one');
    const first = await page('/tasks');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /index-one\.js/);
    assert.equal(first.headers['cache-control'], 'no-cache', 'the page is always revalidated');
    const script = await app.inject('/assets/index-one.js');
    assert.equal(script.statusCode, 200);
    assert.equal(script.body, "console.log('one');\n");
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('serves the new build at once after a rebuild, and no longer the old assets', async () => {
    build(root, 'one');
    assert.match((await page('/')).body, /index-one\.js/);
    build(root, 'two');
    const home = await page('/');
    assert.match(home.body, /index-two\.js/, 'the new index.html, not a stale one');
    assert.doesNotMatch(home.body, /index-one/);
    const deep = await page('/runs/some-run');
    assert.match(deep.body, /index-two\.js/);
    const script = await app.inject('/assets/index-two.js');
    assert.equal(script.statusCode, 200, 'an asset made after the server started is served');
    assert.equal(script.body, "console.log('two');\n");
    assert.equal((await app.inject('/assets/index-one.js')).statusCode, 404);
  });

  it('serves nothing outside the assets folder by path', async () => {
    build(root, 'three');
    writeFileSync(join(folder, 'secret.txt'), 'not for the web');
    for (const path of ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const answer = await app.inject(path);
      assert.notEqual(answer.statusCode, 200, path);
      assert.doesNotMatch(answer.body, /not for the web/, path);
    }
    const index = await app.inject('/assets/../index.html');
    assert.doesNotMatch(index.headers['cache-control'] ?? '', /immutable/);
  });
});
