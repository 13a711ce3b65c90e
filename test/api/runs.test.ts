import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { claimsOf, executing } from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';

/** A server-sent event as the log stream sends it. */
interface StreamEvent {
  event: string;
  data: string;
}

function parseEvents(text: string): StreamEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data };
    });
}

/** Reads a streamed body on demand: each call waits until the text so far contains a marker. */
function streamReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return async (marker: string): Promise<string> => {
    while (!text.includes(marker)) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before ${JSON.stringify(marker)}:\n${text}`);
      text += decoder.decode(value, { stream: true });
    }
    return text;
  };
}

async function createTask(client: ApiClient, body: Record<string, unknown>): Promise<string> {
  const created = await client.post('/api/v1/tasks', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

async function startRun(client: ApiClient, taskId: string, body?: unknown): Promise<string> {
  const started = await client.post(`/api/v1/tasks/${taskId}/run`, body);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.runId;
}

async function listIds(client: ApiClient, query: string): Promise<string[]> {
  const listed = await client.get(`/api/v1/runs?${query}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items.map((run: { id: string }) => run.id);
}

/** Waits until the run executes on the engine, which the client then sees as running. */
async function untilRunning(t: EngineApp, client: ApiClient, runId: string): Promise<void> {
  await executing(t, runId);
  const run = await client.get(`/api/v1/runs/${runId}`);
  assert.equal(run.body.status, 'running', JSON.stringify(run.body));
}

/** Creates an API token as the client's user; returns its secret. */
async function tokenOf(client: ApiClient): Promise<string> {
  const created = await client.post('/api/v1/tokens', { name: 'runs test' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.token;
}

const waitJob = (name: string) => ({ kind: 'wait', config: { gate: name } });

for (const backend of await backends()) {
  describe(`runs API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;
    const gateName = (name: string) => `runs-${name}-${backend.name}`;

    before(async () => {
      t = await startEngineApp(backend, 'runs-api');
      alice = (await t.user('alice')).client;
      bob = (await t.user('bob')).client;
    });
    after(async () => {
      await t?.close();
    });

    describe('isolation', () => {
      let aliceTask: string;
      let aliceRun: string;
      let aliceArtifact: string;
      let bobRun: string;

      before(async () => {
        aliceTask = await createTask(alice, {
          name: 'alice private',
          jobs: [{ kind: 'file', config: { name: 'secret.txt', content: 'alice only' } }],
        });
        aliceRun = await startRun(alice, aliceTask);
        const run = await t.ended(aliceRun);
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        aliceArtifact = run.results[0]?.artifactId ?? '';
        assert.ok(aliceArtifact, JSON.stringify(run.results));
        const bobTask = await createTask(bob, { name: 'bob own', jobs: [{ kind: 'noop' }] });
        bobRun = await startRun(bob, bobTask);
        await t.ended(bobRun);
      });

      it('answers 404 to another user for a run, its log, cancel and artifacts (also via their own run)', async () => {
        const urls = [
          `/api/v1/runs/${aliceRun}`,
          `/api/v1/runs/${aliceRun}/log`,
          `/api/v1/runs/${aliceRun}/artifacts/${aliceArtifact}`,
          `/api/v1/runs/${aliceRun}/artifacts/x`,
          `/api/v1/runs/${bobRun}/artifacts/${aliceArtifact}`,
        ];
        for (const url of urls) {
          assert.equal((await bob.get(url)).status, 404, url);
        }
        assert.equal((await alice.get(urls[0] ?? '')).status, 200);
        assert.equal((await alice.get(urls[2] ?? '')).status, 200);
        const cancel = await bob.post(`/api/v1/runs/${aliceRun}/cancel`);
        assert.equal(cancel.status, 404, 'an ended run of another user is not even found');
      });

      it('does not let another user run the task, and creates no run', async () => {
        const started = await bob.post(`/api/v1/tasks/${aliceTask}/run`);
        assert.equal(started.status, 404);
        assert.deepEqual(await listIds(alice, `taskId=${aliceTask}`), [aliceRun]);
      });

      it('lists only the caller’s runs; another user’s task id is 404', async () => {
        const bobs = await listIds(bob, 'limit=500');
        assert.ok(bobs.includes(bobRun));
        assert.ok(!bobs.includes(aliceRun));
        assert.equal((await bob.get(`/api/v1/runs?taskId=${aliceTask}`)).status, 404);
      });

      it('shows an administrator every user’s runs', async () => {
        const all = await listIds(t.admin, 'limit=500');
        assert.ok(all.includes(aliceRun) && all.includes(bobRun), JSON.stringify(all));
        assert.equal((await t.admin.get(`/api/v1/runs/${aliceRun}`)).status, 200);
      });
    });

    describe('list', () => {
      let carol: ApiClient;
      let okTask: string;
      const runs: string[] = [];
      const queuedAt: number[] = [];

      before(async () => {
        carol = (await t.user('carol')).client;
        okTask = await createTask(carol, { name: 'ok', jobs: [{ kind: 'noop' }] });
        const badTask = await createTask(carol, { name: 'bad', jobs: [{ kind: 'fail' }] });
        for (const taskId of [okTask, badTask, okTask]) {
          queuedAt.push(t.clock.now());
          const runId = await startRun(carol, taskId);
          runs.push(runId);
          await t.ended(runId);
          await t.clock.advance(60_000);
        }
      });

      it('filters by task, newest first', async () => {
        assert.deepEqual(await listIds(carol, `taskId=${okTask}`), [runs[2], runs[0]]);
      });

      it('filters by one or more statuses', async () => {
        assert.deepEqual(await listIds(carol, 'status=failed'), [runs[1]]);
        assert.deepEqual(await listIds(carol, 'status=succeeded,failed'), [...runs].reverse());
        assert.deepEqual(await listIds(carol, 'status=queued,running'), []);
      });

      it('filters by queued time: from inclusive, to exclusive', async () => {
        const at = (index: number) => new Date(queuedAt[index] ?? 0).toISOString();
        assert.deepEqual(await listIds(carol, `from=${at(1)}`), [runs[2], runs[1]]);
        assert.deepEqual(await listIds(carol, `to=${at(1)}`), [runs[0]]);
        assert.deepEqual(await listIds(carol, `from=${at(1)}&to=${at(2)}`), [runs[1]]);
      });

      it('refuses a bad status, limit or date with 400', async () => {
        for (const query of [
          'status=done',
          'status=failed,',
          'limit=0',
          'limit=501',
          'from=yesterday',
        ]) {
          assert.equal((await carol.get(`/api/v1/runs?${query}`)).status, 400, query);
        }
      });

      it('refuses a cursor it did not make with 400', async () => {
        const users = await t.admin.get('/api/v1/users?limit=1');
        assert.ok(users.body.nextCursor, JSON.stringify(users.body));
        const foreign = encodeURIComponent(users.body.nextCursor);
        assert.equal((await t.admin.get(`/api/v1/runs?cursor=${foreign}`)).status, 400);
        assert.equal((await t.admin.get('/api/v1/runs?cursor=garbage')).status, 400);
      });
    });

    describe('pagination', () => {
      it('returns every run exactly once across cursor pages, newest first', async () => {
        const taskId = await createTask(alice, { name: 'seven', jobs: [{ kind: 'noop' }] });
        const created: string[] = [];
        for (let i = 0; i < 7; i++) created.push(await startRun(alice, taskId));
        for (const runId of created) await t.ended(runId);
        const seen: string[] = [];
        const sizes: number[] = [];
        let query = `taskId=${taskId}&limit=3`;
        for (let page = 0; page < 10; page++) {
          const listed = (await alice.get(`/api/v1/runs?${query}`)).body;
          seen.push(...listed.items.map((run: { id: string }) => run.id));
          sizes.push(listed.items.length);
          if (!listed.nextCursor) break;
          query = `taskId=${taskId}&limit=3&cursor=${encodeURIComponent(listed.nextCursor)}`;
        }
        assert.deepEqual(sizes, [3, 3, 1]);
        assert.deepEqual(seen, [...created].reverse());
      });
    });

    describe('manual runs', () => {
      it('answers 202 with the run’s location, also for a disabled task, with its parameters', async () => {
        const taskId = await createTask(alice, {
          name: 'disabled greeter',
          enabled: false,
          jobs: [{ kind: 'text', config: { text: 'hello {who}' } }],
        });
        const started = await alice.post(`/api/v1/tasks/${taskId}/run`, {
          parameters: { who: 'world' },
        });
        assert.equal(started.status, 202, JSON.stringify(started.body));
        assert.equal(started.headers.location, `/api/v1/runs/${started.body.runId}`);
        await t.ended(started.body.runId);
        const run = (await alice.get(String(started.headers.location))).body;
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        assert.deepEqual(run.parameters, { who: 'world' });
        assert.equal(run.results[0].text, 'hello world');
      });

      it('refuses bad parameters with 400 and creates no run', async () => {
        const taskId = await createTask(alice, { name: 'strict', jobs: [{ kind: 'noop' }] });
        const bodies = [
          { parameters: { 'a b': 'x' } },
          { parameters: { '1x': 'x' } },
          { parameters: 5 },
          { parameters: { who: 5 } },
          { params: { who: 'x' } },
        ];
        for (const body of bodies) {
          const started = await alice.post(`/api/v1/tasks/${taskId}/run`, body);
          assert.equal(started.status, 400, JSON.stringify(body));
        }
        assert.deepEqual(await listIds(alice, `taskId=${taskId}`), []);
      });

      it('answers 404 for an unknown task', async () => {
        const started = await alice.post('/api/v1/tasks/no-such-task/run');
        assert.equal(started.status, 404);
      });

      it('records cause manual for a session and api for an API token', async () => {
        const taskId = await createTask(alice, { name: 'causes', jobs: [{ kind: 'noop' }] });
        const bySession = await startRun(alice, taskId);
        const withToken = new ApiClient(t.app, {
          authorization: `Bearer ${await tokenOf(alice)}`,
        });
        const byToken = await startRun(withToken, taskId);
        assert.equal((await t.ended(bySession)).cause, 'manual');
        assert.equal((await t.ended(byToken)).cause, 'api');
        assert.equal((await alice.get(`/api/v1/runs/${byToken}`)).body.cause, 'api');
      });
    });

    describe('run view', () => {
      it('shows times, duration, per-component outcomes and results', async () => {
        const name = gateName('view');
        const taskId = await createTask(alice, {
          name: 'viewed',
          jobs: [waitJob(name), { kind: 'text', config: { text: 'made' } }],
          actions: [{ kind: 'collect', config: { sink: name } }],
        });
        const queuedAt = t.clock.now();
        const runId = await startRun(alice, taskId);
        await untilRunning(t, alice, runId);
        await t.clock.advance(5000);
        gate(name).open();
        await t.ended(runId);
        const run = (await alice.get(`/api/v1/runs/${runId}`)).body;
        assert.equal(run.scheduledFor, null);
        assert.equal(run.queuedAt, new Date(queuedAt).toISOString());
        assert.equal(run.startedAt, new Date(queuedAt).toISOString());
        assert.equal(run.finishedAt, new Date(queuedAt + 5000).toISOString());
        assert.equal(run.durationMs, 5000);
        assert.equal(run.items.length, 1);
        assert.deepEqual(
          run.items[0].components.map((c: Record<string, unknown>) => [
            c.category,
            c.kind,
            c.status,
          ]),
          [
            ['job', 'wait', 'succeeded'],
            ['job', 'text', 'succeeded'],
            ['action', 'collect', 'succeeded'],
          ],
        );
        assert.equal(run.results.length, 1);
        assert.equal(run.results[0].type, 'text');
        assert.equal(run.results[0].text, 'made');
        assert.equal(run.results[0].jobId, run.items[0].components[1].id);
      });

      it('shows a scheduled run’s occurrence as scheduledFor', async () => {
        const due = Math.ceil((t.clock.now() + 1) / 3_600_000) * 3_600_000;
        const at = new Date(due).toISOString().slice(0, 16);
        const taskId = await createTask(alice, {
          name: 'once',
          triggers: [
            {
              kind: 'time',
              config: { start: at, timezone: 'UTC', intervals: [{ kind: 'once', at }] },
            },
          ],
          jobs: [{ kind: 'noop' }],
        });
        const claimed = claimsOf(t.engine, taskId);
        await t.clock.advance(due - t.clock.now());
        const [claimedId] = await claimed;
        const ids = await listIds(alice, `taskId=${taskId}`);
        assert.deepEqual(ids, [claimedId], 'the occurrence made one run');
        await t.ended(ids[0] ?? '');
        const run = (await alice.get(`/api/v1/runs/${ids[0]}`)).body;
        assert.equal(run.cause, 'schedule');
        assert.equal(run.scheduledFor, new Date(due).toISOString());
        assert.equal(run.lateMs, 0);
      });
    });

    describe('log', () => {
      it('serves the log as text/plain with the run’s lines', async () => {
        const taskId = await createTask(alice, {
          name: 'logged',
          jobs: [{ kind: 'wait', config: { ms: 0 } }],
        });
        const runId = await startRun(alice, taskId);
        await t.ended(runId);
        const log = await alice.get(`/api/v1/runs/${runId}/log`);
        assert.equal(log.status, 200);
        assert.match(String(log.headers['content-type']), /^text\/plain/);
        const lines = String(log.body).trimEnd().split('\n');
        assert.match(lines[0] ?? '', /run started \(manual\)/);
        assert.ok(
          lines.some((line) => / INFO +waiting$/.test(line)),
          log.body,
        );
        assert.ok(
          lines.some((line) => /done waiting$/.test(line)),
          log.body,
        );
        assert.match(lines.at(-1) ?? '', /run ended succeeded/);
      });

      it('streams an ended run as events open, log and end', async () => {
        const taskId = await createTask(alice, {
          name: 'streamed',
          jobs: [{ kind: 'wait', config: { ms: 0 } }],
        });
        const runId = await startRun(alice, taskId);
        await t.ended(runId);
        const response = await alice.request('GET', `/api/v1/runs/${runId}/log`, undefined, {
          accept: 'text/event-stream',
        });
        assert.equal(response.status, 200);
        assert.match(String(response.headers['content-type']), /^text\/event-stream/);
        const events = parseEvents(String(response.body));
        assert.deepEqual(
          events.map((each) => each.event),
          ['open', 'log', 'end'],
        );
        assert.match(events[1]?.data ?? '', /waiting/);
        assert.match(events[1]?.data ?? '', /run ended succeeded/);
        assert.deepEqual(JSON.parse(events[2]?.data ?? ''), { status: 'succeeded' });
      });

      it('streams a live run’s lines as they come, then its end', { timeout: 20_000 }, async () => {
        const name = gateName('live');
        const taskId = await createTask(alice, { name: 'live', jobs: [waitJob(name)] });
        const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
        const token = await tokenOf(alice);
        const runId = await startRun(alice, taskId);
        const response = await fetch(`${address}/api/v1/runs/${runId}/log`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        });
        assert.equal(response.status, 200);
        assert.ok(response.body);
        const readUntil = streamReader(response.body);
        const beforeGate = await readUntil('waiting\n');
        assert.ok(!beforeGate.includes('event: end'), 'no end while the job waits');
        gate(name).open();
        const events = parseEvents(await readUntil('event: end'));
        assert.equal(events[0]?.event, 'open');
        const logged = events
          .filter((each) => each.event === 'log')
          .map((each) => each.data)
          .join('\n');
        assert.match(logged, /waiting[\s\S]*done waiting[\s\S]*run ended succeeded/);
        const end = events.at(-1);
        assert.equal(end?.event, 'end');
        assert.deepEqual(JSON.parse(end?.data ?? ''), { status: 'succeeded' });
      });
    });

    describe('log stream access', () => {
      it('ends a live stream once its viewer is disabled', { timeout: 30_000 }, async () => {
        const viewer = await t.user('streamviewer', ['taskplanner']);
        const name = gateName('watched');
        const taskId = await createTask(viewer.client, { name: 'watched', jobs: [waitJob(name)] });
        const address = t.app.server.listening
          ? `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
          : await t.app.listen({ port: 0, host: '127.0.0.1' });
        const token = await tokenOf(viewer.client);
        const runId = await startRun(viewer.client, taskId);
        const response = await fetch(`${address}/api/v1/runs/${runId}/log`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        });
        assert.ok(response.body);
        const readUntil = streamReader(response.body);
        await readUntil('waiting\n');
        const disabled = await t.admin.post(`/api/v1/users/${viewer.id}/disable`);
        assert.equal(disabled.status, 200);
        const events = parseEvents(await readUntil('event: end'));
        assert.deepEqual(JSON.parse(events.at(-1)?.data ?? ''), { status: 'forbidden' });
        gate(name).open();
        await t.ended(runId);
      });
    });

    describe('cancel', () => {
      it('cancels a queued run at once', async () => {
        const name = gateName('queued');
        const taskId = await createTask(alice, { name: 'busy', jobs: [waitJob(name)] });
        const first = await startRun(alice, taskId);
        await untilRunning(t, alice, first);
        const second = await startRun(alice, taskId);
        assert.equal((await alice.get(`/api/v1/runs/${second}`)).body.status, 'queued');
        const canceled = await alice.post(`/api/v1/runs/${second}/cancel`);
        assert.equal(canceled.status, 202, JSON.stringify(canceled.body));
        assert.equal(canceled.body.status, 'canceled');
        gate(name).open();
        assert.equal((await t.ended(first)).status, 'succeeded');
        const after = (await alice.get(`/api/v1/runs/${second}`)).body;
        assert.equal(after.status, 'canceled');
        assert.equal(after.startedAt, null);
      });

      it('stops a running run, which ends canceled', async () => {
        const taskId = await createTask(alice, {
          name: 'stopped',
          jobs: [waitJob(gateName('never'))],
        });
        const runId = await startRun(alice, taskId);
        await untilRunning(t, alice, runId);
        const canceled = await alice.post(`/api/v1/runs/${runId}/cancel`);
        assert.equal(canceled.status, 202, JSON.stringify(canceled.body));
        assert.equal((await t.ended(runId)).status, 'canceled');
        assert.equal((await alice.get(`/api/v1/runs/${runId}`)).body.status, 'canceled');
      });

      it('refuses an ended run with 409 RUN_ENDED', async () => {
        const taskId = await createTask(alice, { name: 'over', jobs: [{ kind: 'noop' }] });
        const runId = await startRun(alice, taskId);
        await t.ended(runId);
        const canceled = await alice.post(`/api/v1/runs/${runId}/cancel`);
        assert.equal(canceled.status, 409);
        assert.equal(canceled.body.code, 'RUN_ENDED');
        assert.equal((await alice.get(`/api/v1/runs/${runId}`)).body.status, 'succeeded');
      });
    });

    describe('artifacts', () => {
      it('downloads the bytes a file job wrote, named in Content-Disposition', async () => {
        const content = 'name,size\nä,1\n';
        const taskId = await createTask(alice, {
          name: 'files',
          jobs: [{ kind: 'file', config: { name: 'report.csv', content } }],
        });
        const runId = await startRun(alice, taskId);
        await t.ended(runId);
        const run = (await alice.get(`/api/v1/runs/${runId}`)).body;
        const result = run.results[0];
        assert.equal(result.type, 'file');
        assert.equal(result.size, Buffer.byteLength(content));
        const url = `/api/v1/runs/${runId}/artifacts/${result.artifactId}`;
        const download = await t.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${await tokenOf(alice)}` },
        });
        assert.equal(download.statusCode, 200);
        assert.deepEqual(download.rawPayload, Buffer.from(content));
        assert.match(String(download.headers['content-disposition']), /filename="report\.csv"/);
      });

      it('answers 404 for an unknown artifact id', async () => {
        const taskId = await createTask(alice, {
          name: 'one file',
          jobs: [{ kind: 'file', config: { name: 'a.txt', content: 'a' } }],
        });
        const runId = await startRun(alice, taskId);
        await t.ended(runId);
        const missing = await alice.get(`/api/v1/runs/${runId}/artifacts/no-such-artifact`);
        assert.equal(missing.status, 404);
      });
    });

    describe('task JSON and OpenAPI', () => {
      it('gives a task its last run after it ran, and no next run without a time trigger', async () => {
        const taskId = await createTask(alice, { name: 'plain', jobs: [{ kind: 'noop' }] });
        const fresh = (await alice.get(`/api/v1/tasks/${taskId}`)).body;
        assert.equal(fresh.lastRun, null);
        assert.equal(fresh.nextRunAt, null);
        const runId = await startRun(alice, taskId);
        await t.ended(runId);
        const task = (await alice.get(`/api/v1/tasks/${taskId}`)).body;
        assert.equal(task.lastRun.id, runId);
        assert.equal(task.lastRun.status, 'succeeded');
        assert.equal(task.nextRunAt, null);
      });

      it('gives a scheduled task the next occurrence as nextRunAt', async () => {
        const taskId = await createTask(alice, {
          name: 'nightly',
          triggers: [
            {
              kind: 'time',
              config: { start: '2026-03-01T23:45', timezone: 'UTC', intervals: [{ kind: 'days' }] },
            },
          ],
          jobs: [{ kind: 'noop' }],
        });
        const next = new Date(t.clock.now());
        next.setUTCHours(23, 45, 0, 0);
        if (next.getTime() <= t.clock.now()) next.setUTCDate(next.getUTCDate() + 1);
        const task = (await alice.get(`/api/v1/tasks/${taskId}`)).body;
        assert.equal(task.nextRunAt, next.toISOString());
      });

      it('documents the runs routes in the OpenAPI document', async () => {
        const document = (await t.anonymous.get('/api/openapi.json')).body;
        assert.ok(document.paths['/api/v1/runs']?.get, 'documents GET /api/v1/runs');
        assert.ok(document.paths['/api/v1/runs/{id}/log']?.get, 'documents the log');
      });
    });
  });
}
