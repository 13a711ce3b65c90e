import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { httpJob } from '../../src/plugins/builtin/jobs/http.ts';
import type { FileResult } from '../../src/plugins/results.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { componentHarness, type ComponentHarness } from '../support/component-context.ts';
import { componentOf, runTask } from '../support/engine-runs.ts';

/** The config with the schema's defaults, as the API would have stored it. */
function config(overrides: Record<string, unknown>) {
  return { method: 'GET', headers: {}, maxMegabytes: 100, ...overrides };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('http job', () => {
  let h: ComponentHarness;
  let peer: HttpPeer;

  beforeEach(async () => {
    h = await componentHarness();
    peer = await startHttpPeer();
  });

  afterEach(async () => {
    await h.dispose();
    await peer.close();
  });

  async function fetched(overrides: Record<string, unknown>): Promise<FileResult> {
    const results = await httpJob.run(config(overrides), h.job);
    assert.equal(results.length, 1);
    const [result] = results;
    assert.equal(result?.type, 'file');
    return result;
  }

  it("names the file from Content-Disposition, keeping only the name's last segment", async () => {
    const csv = 'id,name\n1,Zoë\n';
    peer.route(
      '/export',
      answer(
        200,
        {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="../../etc/report 2026.csv"',
        },
        csv,
      ),
    );
    const file = await fetched({ url: `${peer.url}/export?format=csv` });

    assert.equal(file.name, 'report 2026.csv');
    assert.equal(file.mediaType, 'text/csv; charset=utf-8');
    assert.equal(file.path.startsWith(h.workDir), true);
    assert.equal(await readFile(file.path, 'utf8'), csv);
    assert.equal(h.outputs.status, 200);
  });

  it('prefers the RFC 5987 filename* of Content-Disposition', async () => {
    peer.route(
      '/cv',
      answer(
        200,
        {
          'content-disposition':
            'attachment; filename="fallback.pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9%2F..%2Fx.pdf',
        },
        'pdf',
      ),
    );
    peer.route(
      '/cv-plain',
      answer(
        200,
        { 'content-disposition': "inline; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf" },
        'pdf',
      ),
    );
    assert.equal((await fetched({ url: `${peer.url}/cv-plain` })).name, 'résumé.pdf');
    assert.equal((await fetched({ url: `${peer.url}/cv` })).name, 'x.pdf');
  });

  it('names the file from the last segment of the URL, else "response"', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    peer.route('/files/data%20set.bin', answer(200, {}, bytes));
    peer.route('/', answer(200, {}, 'root'));
    const named = await fetched({ url: `${peer.url}/files/data%20set.bin` });
    assert.equal(named.name, 'data set.bin');
    assert.deepEqual(await readFile(named.path), bytes);
    assert.equal(named.mediaType, undefined);

    assert.equal((await fetched({ url: `${peer.url}/` })).name, 'response');
  });

  it('names the file from the URL a redirect led to', async () => {
    peer.route('/latest', answer(302, { location: '/archive/v2.zip' }));
    peer.route('/archive/v2.zip', answer(200, { 'content-type': 'application/zip' }, 'zip'));
    const file = await fetched({ url: `${peer.url}/latest` });
    assert.equal(file.name, 'v2.zip');
    assert.equal(file.mediaType, 'application/zip');
  });

  it('decodes a gzip, deflate or brotli body, and leaves an unknown coding as sent', async () => {
    const text = 'region,total\nnorth,12\n'.repeat(50);
    peer.route('/gzip', answer(200, { 'content-encoding': 'gzip' }, gzipSync(text)));
    peer.route('/deflate', answer(200, { 'content-encoding': 'deflate' }, deflateSync(text)));
    peer.route('/br', answer(200, { 'content-encoding': 'br' }, brotliCompressSync(text)));
    peer.route('/odd', answer(200, { 'content-encoding': 'x-odd' }, 'as sent'));
    for (const path of ['/gzip', '/deflate', '/br']) {
      const file = await fetched({ url: `${peer.url}${path}` });
      assert.equal(await readFile(file.path, 'utf8'), text, path);
    }
    assert.equal(
      await readFile((await fetched({ url: `${peer.url}/odd` })).path, 'utf8'),
      'as sent',
    );
    assert.match(String(peer.requests[0]?.headers['accept-encoding']), /gzip/);
  });

  it('follows a 303 after POST as a GET without the body, and a 307 as the same POST', async () => {
    peer.route('/see-other', answer(303, { location: '/result' }));
    peer.route('/temporary', answer(307, { location: '/result' }));
    peer.route('/result', answer(200, {}, 'ok'));
    const post = {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 'abc' },
      body: '{"n":1}',
    };
    await fetched({ ...post, url: `${peer.url}/see-other` });
    const afterSeeOther = peer.requests[1];
    assert.equal(afterSeeOther?.method, 'GET');
    assert.equal(afterSeeOther?.body.length, 0);
    assert.equal(afterSeeOther?.headers['content-type'], undefined);
    assert.equal(afterSeeOther?.headers['x-trace'], 'abc', 'the same origin keeps the headers');

    await fetched({ ...post, url: `${peer.url}/temporary` });
    const afterTemporary = peer.requests[3];
    assert.equal(afterTemporary?.method, 'POST');
    assert.equal(afterTemporary?.body.toString(), '{"n":1}');
    assert.equal(afterTemporary?.headers['content-type'], 'application/json');
  });

  it('fails after more than 20 redirects, and on a redirect that is not http(s)', async () => {
    peer.route('/loop', answer(302, { location: '/loop' }));
    peer.route('/ftp', answer(302, { location: 'ftp://127.0.0.1/file' }));
    await assert.rejects(httpJob.run(config({ url: `${peer.url}/loop` }), h.job), {
      message: `GET ${peer.url}/loop failed: more than 20 redirects`,
    });
    assert.equal(peer.requests.length, 21);
    await assert.rejects(httpJob.run(config({ url: `${peer.url}/ftp` }), h.job), {
      message: `GET ${peer.url}/ftp failed: the redirect to a ftp: URL is not followed`,
    });
  });

  it('sends the method, headers, authorization and body as configured', async () => {
    peer.route('/items', answer(201, {}, '{"id":7}'));
    await fetched({
      method: 'POST',
      url: `${peer.url}/items`,
      headers: { 'content-type': 'application/json', 'x-trace': 'abc' },
      authorization: 'Bearer s3cret',
      body: '{"name":"x"}',
    });

    const request = await peer.request(0);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/items');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-trace'], 'abc');
    assert.equal(request.headers.authorization, 'Bearer s3cret');
    assert.equal(request.body.toString(), '{"name":"x"}');
    assert.equal(h.outputs.status, 201);
    assert.ok(!h.lines.some((line) => line.message.includes('s3cret')), 'the secret is not logged');
  });

  it('fails on an unexpected status, naming the status and the URL', async () => {
    peer.route('/missing', answer(404, {}, 'nothing here'));
    await assert.rejects(httpJob.run(config({ url: `${peer.url}/missing` }), h.job), {
      message: `GET ${peer.url}/missing answered 404 Not Found, expected any 2xx`,
    });
    assert.equal(h.outputs.status, 404);
  });

  it('takes exactly the statuses listed in expectedStatus', async () => {
    peer.route('/gone', answer(410, {}, 'gone'));
    peer.route('/ok', answer(200, {}, 'ok'));
    const file = await fetched({ url: `${peer.url}/gone`, expectedStatus: [404, 410] });
    assert.equal(await readFile(file.path, 'utf8'), 'gone');

    await assert.rejects(
      httpJob.run(config({ url: `${peer.url}/ok`, expectedStatus: [204] }), h.job),
      { message: `GET ${peer.url}/ok answered 200 OK, expected 204` },
    );
  });

  it('fails on a body over maxMegabytes and removes what it wrote', async () => {
    // Streamed in chunks without a length, so only counting the bytes can catch it.
    peer.route('/big', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      for (let i = 0; i < 32; i++) response.write(chunk);
      response.end();
    });
    await assert.rejects(httpJob.run(config({ url: `${peer.url}/big`, maxMegabytes: 1 }), h.job), {
      message: `the answer to GET ${peer.url}/big is larger than 1 MB (maxMegabytes)`,
    });
    assert.deepEqual(await readdir(h.workDir), []);
  });

  it('fails at once on a declared Content-Length over maxMegabytes', async () => {
    peer.route('/declared', (_request, response) => {
      response.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
      response.write('only the start');
    });
    await assert.rejects(
      httpJob.run(config({ url: `${peer.url}/declared`, maxMegabytes: 1 }), h.job),
      /is larger than 1 MB/,
    );
  });

  it('fails when no complete answer comes within timeoutSeconds', async () => {
    peer.route('/slow', () => {});
    await assert.rejects(
      httpJob.run(config({ url: `${peer.url}/slow`, timeoutSeconds: 1 }), h.job),
      { message: `GET ${peer.url}/slow got no complete answer within 1 s` },
    );
  });

  it('stops the request when the run is aborted', async () => {
    peer.route('/slow', () => {});
    const ran = httpJob.run(config({ url: `${peer.url}/slow` }), h.job);
    await peer.request(0);
    h.controller.abort('canceled');
    await assert.rejects(ran, { message: `GET ${peer.url}/slow was stopped` });
  });

  it('says why a server could not be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/x`;
    await assert.rejects(httpJob.run(config({ url }), h.job), {
      message: new RegExp(`^GET ${url} failed: connect ECONNREFUSED`),
    });
  });

  it('refuses URLs that are not http(s) or carry credentials', async () => {
    await assert.rejects(httpJob.run(config({ url: 'file:///etc/passwd' }), h.job), {
      message: 'file: URLs are not supported; use http:// or https://',
    });
    await assert.rejects(httpJob.run(config({ url: 'http://bob:pw@127.0.0.1/' }), h.job), {
      message: 'the URL contains credentials; put them in the authorization field instead',
    });
    await assert.rejects(httpJob.run(config({ url: 'reports/today' }), h.job), {
      message: "'reports/today' is not an absolute URL",
    });
  });
});

for (const backend of await backends()) {
  describe(`http job through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;
    let peer: HttpPeer;

    before(async () => {
      t = await startEngineApp(backend, 'http-job');
      alice = (await t.user('alice', ['taskplanner', 'job.http'])).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
      peer = await startHttpPeer();
      peer.route(
        '/files/north.csv',
        answer(200, { 'content-type': 'text/csv' }, 'region\nnorth\n'),
      );
    });
    after(async () => {
      await peer?.close();
      await t?.close();
    });

    it('fetches the URL with placeholders filled and the secret authorization, keeping the body', async () => {
      const job = {
        id: 'fetch',
        kind: 'http',
        config: { url: `${peer.url}/files/{region}.csv`, authorization: 'Bearer tok-123' },
      };
      const run = await runTask(t, alice, { jobs: [job] }, { region: 'north' });

      assert.equal(run.status, 'succeeded', componentOf(run, 'fetch').message ?? '');
      const [result] = run.results;
      assert.equal(result?.name, 'north.csv');
      assert.equal(result?.mediaType, 'text/csv');
      const file = await alice.get(`/api/v1/runs/${run.id}/artifacts/${result?.artifactId}`);
      assert.equal(String(file.body), 'region\nnorth\n');
      const request = peer.requests.at(-1);
      assert.equal(request?.headers.authorization, 'Bearer tok-123');
      const task = await alice.get(`/api/v1/tasks/${run.taskId}`);
      assert.notEqual(
        task.body.jobs[0].config.authorization,
        'Bearer tok-123',
        'masked by the API',
      );
    });

    it('fails the job on an unexpected status', async () => {
      const job = { id: 'fetch', kind: 'http', config: { url: `${peer.url}/nothing` } };
      const run = await runTask(t, alice, { jobs: [job] });
      assert.equal(run.status, 'failed');
      assert.equal(
        componentOf(run, 'fetch').message,
        `GET ${peer.url}/nothing answered 404 Not Found, expected any 2xx`,
      );
    });

    it('refuses to run for an owner without job.http', async () => {
      const requestsBefore = peer.requests.length;
      const job = { id: 'fetch', kind: 'http', config: { url: `${peer.url}/files/north.csv` } };
      const run = await runTask(t, bob, { jobs: [job] });
      assert.equal(run.status, 'failed');
      assert.match(componentOf(run, 'fetch').message ?? '', /needs the permission 'job\.http'/);
      assert.equal(peer.requests.length, requestsBefore, 'no request was made');
    });
  });
}
