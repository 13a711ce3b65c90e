import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { webhookAction } from '../../src/plugins/builtin/actions/webhook.ts';
import type { DeliveredResult } from '../../src/plugins/results.ts';
import {
  answer,
  startHttpPeer,
  type HttpPeer,
  type RecordedRequest,
} from '../support/http-peer.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { componentHarness, type ComponentHarness } from '../support/component-context.ts';
import { componentOf, runTask } from '../support/engine-runs.ts';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** The config with the schema's defaults, as the API would have stored it. */
function config(overrides: Record<string, unknown>) {
  return { headers: {}, includeFiles: false, ...overrides };
}

/** Parses a recorded multipart/form-data body with the platform's own parser. */
async function formData(request: RecordedRequest): Promise<FormData> {
  return new Request('http://peer/', {
    method: 'POST',
    headers: { 'content-type': request.headers['content-type'] ?? '' },
    body: request.body,
  }).formData();
}

describe('webhook action', () => {
  let folder: string;
  let results: DeliveredResult[];
  let h: ComponentHarness;
  let peer: HttpPeer;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tp-webhook-'));
    await writeFile(join(folder, 'report.csv'), 'a,b\n1,2\n');
    await writeFile(join(folder, 'raw.bin'), ALL_BYTES);
    results = [
      {
        jobId: 'export',
        type: 'file',
        name: 'report.csv',
        path: join(folder, 'report.csv'),
        mediaType: 'text/csv',
        valid: true,
      },
      {
        jobId: 'export',
        type: 'file',
        name: 'raw.bin',
        path: join(folder, 'raw.bin'),
        valid: false,
      },
      { jobId: 'check', type: 'text', name: 'message', text: 'all good', valid: true },
      { jobId: 'count', type: 'json', name: 'rows', value: [{ n: 1 }, { n: 2 }], valid: true },
    ];
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    h = await componentHarness({
      results,
      placeholders: { 'job.count.rows': 2, region: 'north', big: 10n },
    });
    peer = await startHttpPeer();
    peer.route('/hook', answer(204));
  });

  afterEach(async () => {
    await h.dispose();
    await peer.close();
  });

  const summary = (parts: boolean) => ({
    task: { id: 'task-1', name: 'Nightly export' },
    run: { id: 'run-1', cause: 'manual' },
    placeholders: {
      'task.id': 'task-1',
      'task.name': 'Nightly export',
      'run.id': 'run-1',
      'run.cause': 'manual',
      'job.count.rows': 2,
      region: 'north',
      big: '10',
    },
    results: [
      {
        jobId: 'export',
        type: 'file',
        name: 'report.csv',
        valid: true,
        mediaType: 'text/csv',
        ...(parts ? { part: 'file1' } : {}),
      },
      {
        jobId: 'export',
        type: 'file',
        name: 'raw.bin',
        valid: false,
        ...(parts ? { part: 'file2' } : {}),
      },
      { jobId: 'check', type: 'text', name: 'message', valid: true, text: 'all good' },
      { jobId: 'count', type: 'json', name: 'rows', valid: true, value: [{ n: 1 }, { n: 2 }] },
    ],
  });

  it('POSTs a JSON summary of the task, the run, its placeholders and results', async () => {
    await webhookAction.run(
      config({
        url: `${peer.url}/hook?src=tp`,
        headers: { 'x-team': 'ops' },
        authorization: 'Token abc',
      }),
      h.action,
    );

    const request = await peer.request(0);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/hook?src=tp');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-team'], 'ops');
    assert.equal(request.headers.authorization, 'Token abc');
    assert.deepEqual(JSON.parse(request.body.toString()), summary(false));
  });

  it('with includeFiles, sends the summary and every file as multipart/form-data', async () => {
    await webhookAction.run(config({ url: `${peer.url}/hook`, includeFiles: true }), h.action);

    const request = await peer.request(0);
    assert.match(request.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
    const form = await formData(request);
    assert.deepEqual([...form.keys()], ['summary', 'file1', 'file2']);

    const part = form.get('summary') as File;
    assert.equal(part.type, 'application/json');
    assert.deepEqual(JSON.parse(await part.text()), summary(true));

    const csv = form.get('file1') as File;
    assert.equal(csv.name, 'report.csv');
    assert.equal(csv.type, 'text/csv');
    assert.equal(await csv.text(), 'a,b\n1,2\n');
    const raw = form.get('file2') as File;
    assert.equal(raw.name, 'raw.bin');
    assert.equal(raw.type, 'application/octet-stream');
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), ALL_BYTES);
  });

  it('follows a 308 to another origin with the same POST and files, but without the owner’s headers', async () => {
    const moved = await startHttpPeer('127.0.0.2');
    try {
      moved.route('/hook', answer(204));
      peer.route('/old-hook', answer(308, { location: `${moved.url}/hook` }));
      await webhookAction.run(
        config({
          url: `${peer.url}/old-hook`,
          headers: { 'x-team': 'ops' },
          authorization: 'Token abc',
          includeFiles: true,
        }),
        h.action,
      );
      const first = await peer.request(0);
      assert.equal(first.headers.authorization, 'Token abc');
      const request = await moved.request(0);
      assert.equal(request.method, 'POST');
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.headers['x-team'], undefined);
      assert.match(request.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
      const form = await formData(request);
      assert.deepEqual([...form.keys()], ['summary', 'file1', 'file2']);
      assert.deepEqual(Buffer.from(await (form.get('file2') as File).arrayBuffer()), ALL_BYTES);
    } finally {
      await moved.close();
    }
  });

  it('fails on a status other than 2xx, naming it', async () => {
    peer.route('/broken', answer(500, {}, 'boom'));
    await assert.rejects(webhookAction.run(config({ url: `${peer.url}/broken` }), h.action), {
      message: `webhook POST ${peer.url}/broken answered 500 Internal Server Error, expected any 2xx`,
    });
  });

  it('fails when no answer comes within timeoutSeconds', async () => {
    peer.route('/slow', () => {});
    await assert.rejects(
      webhookAction.run(config({ url: `${peer.url}/slow`, timeoutSeconds: 1 }), h.action),
      { message: `webhook POST ${peer.url}/slow got no complete answer within 1 s` },
    );
  });

  it('sends an empty results list when it gets no results', async () => {
    const empty = await componentHarness();
    try {
      await webhookAction.run(config({ url: `${peer.url}/hook` }), empty.action);
    } finally {
      await empty.dispose();
    }
    const body = JSON.parse((await peer.request(0)).body.toString());
    assert.deepEqual(body.results, []);
    assert.equal(body.task.name, 'Nightly export');
  });
});

for (const backend of await backends()) {
  describe(`webhook action through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;
    let peer: HttpPeer;

    /** A command job that writes all 256 byte values into data.bin. */
    const makeFile = {
      id: 'make',
      kind: 'command',
      config: {
        program: process.execPath,
        arguments: [
          '-e',
          "require('fs').writeFileSync(process.env.TASKPLANNER_OUTPUT_DIR + '/data.bin', Buffer.from(Array.from(Array(256).keys())))",
        ],
      },
    };

    before(async () => {
      t = await startEngineApp(backend, 'webhook');
      alice = (await t.user('alice', ['taskplanner', 'job.command', 'action.http'])).client;
      bob = (await t.user('bob', ['taskplanner', 'job.command'])).client;
      peer = await startHttpPeer();
      peer.route('/hook', answer(200, {}, 'thanks'));
      peer.route('/broken', answer(503, {}, 'down'));
    });
    after(async () => {
      await peer?.close();
      await t?.close();
    });

    it("sends the run's summary, the job's outputs and its file to the URL", async () => {
      const action = {
        id: 'notify',
        kind: 'webhook',
        config: {
          url: `${peer.url}/hook?region={region}`,
          headers: { 'x-exit': 'code {job.make.exitCode}' },
          authorization: 'Token hook-secret',
          includeFiles: true,
        },
      };
      const requestsBefore = peer.requests.length;
      const run = await runTask(
        t,
        alice,
        { name: 'Hooked', jobs: [makeFile], actions: [action] },
        { region: 'north' },
      );

      assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
      const request = await peer.request(requestsBefore);
      assert.equal(request.url, '/hook?region=north');
      assert.equal(request.headers['x-exit'], 'code 0');
      assert.equal(request.headers.authorization, 'Token hook-secret');
      const form = await formData(request);
      const summary = JSON.parse(await (form.get('summary') as File).text());
      assert.deepEqual(summary.task, { id: run.taskId, name: 'Hooked' });
      assert.deepEqual(summary.run, { id: run.id, cause: 'manual' });
      assert.equal(summary.placeholders.region, 'north');
      assert.equal(summary.placeholders['job.make.exitCode'], 0);
      assert.ok(
        !JSON.stringify(summary).includes('hook-secret'),
        'the secret is not in the summary',
      );
      assert.deepEqual(summary.results, [
        { jobId: 'make', type: 'file', name: 'data.bin', valid: true, part: 'file1' },
      ]);
      const file = form.get('file1') as File;
      assert.equal(file.name, 'data.bin');
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), ALL_BYTES);
    });

    it('fails the action on a status other than 2xx', async () => {
      const action = { id: 'notify', kind: 'webhook', config: { url: `${peer.url}/broken` } };
      const run = await runTask(t, alice, { jobs: [makeFile], actions: [action] });
      assert.equal(run.status, 'failed');
      assert.equal(
        componentOf(run, 'notify').message,
        `webhook POST ${peer.url}/broken answered 503 Service Unavailable, expected any 2xx`,
      );
    });

    it('refuses to run for an owner without action.http', async () => {
      const requestsBefore = peer.requests.length;
      const action = { id: 'notify', kind: 'webhook', config: { url: `${peer.url}/hook` } };
      const run = await runTask(t, bob, { jobs: [makeFile], actions: [action] });
      assert.equal(run.status, 'failed');
      assert.equal(componentOf(run, 'make').status, 'succeeded');
      assert.match(componentOf(run, 'notify').message ?? '', /needs the permission 'action\.http'/);
      assert.equal(peer.requests.length, requestsBefore, 'no request was made');
    });

    it('fires for a task without jobs, with no results', async () => {
      const requestsBefore = peer.requests.length;
      const action = { id: 'notify', kind: 'webhook', config: { url: `${peer.url}/hook` } };
      const run = await runTask(t, alice, { actions: [action] });
      assert.equal(componentOf(run, 'notify').status, 'succeeded', JSON.stringify(run.items));
      const body = JSON.parse((await peer.request(requestsBefore)).body.toString());
      assert.deepEqual(body.results, []);
    });
  });
}
