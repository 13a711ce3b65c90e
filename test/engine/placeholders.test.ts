import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runsOf, runsUntil } from '../support/engine-runs.ts';
import { received } from '../support/test-kinds.ts';

const NODE = process.execPath;
/** 11:29 UTC is already 00:29 of the next day in Auckland (NZDT, +13:00). */
const START = new Date('2026-03-02T11:29:00Z');

/** A file job: its name and content are its config as the engine filled it. */
const fileJob = (content: string, name = 'out.txt', id = 'write') => ({
  id,
  kind: 'file',
  config: { name, content },
});

async function createTask(client: ApiClient, body: Record<string, unknown>): Promise<string> {
  const created = await client.post('/api/v1/tasks', { enabled: false, ...body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/** A finished run as the API shows it, with the text of each file result by name. */
async function finished(t: EngineApp, client: ApiClient, runId: string) {
  await t.ended(runId);
  const run = (await client.get(`/api/v1/runs/${runId}`)).body;
  const files: Record<string, string> = {};
  for (const result of run.results as Array<{ name: string; artifactId?: string }>) {
    if (!result.artifactId) continue;
    const file = await client.get(`/api/v1/runs/${runId}/artifacts/${result.artifactId}`);
    assert.equal(file.status, 200, JSON.stringify(file.body));
    files[result.name] = String(file.body);
  }
  return { run, files };
}

async function runNow(
  t: EngineApp,
  client: ApiClient,
  taskId: string,
  parameters?: Record<string, string>,
) {
  const started = await client.post(
    `/api/v1/tasks/${taskId}/run`,
    parameters ? { parameters } : undefined,
  );
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return finished(t, client, started.body.runId);
}

for (const backend of await backends()) {
  describe(`placeholders through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    const sink = (name: string) => `placeholders-${name}-${backend.name}`;

    before(async () => {
      t = await startEngineApp(backend, 'placeholders', { start: START });
      alice = (await t.user('alice', ['taskplanner', 'job.command'])).client;
    });
    after(async () => {
      await t?.close();
    });

    it('fills task.name, task.id, run.id, run.cause and run parameters into a config', async () => {
      const taskId = await createTask(alice, {
        name: 'Nightly {x} report',
        jobs: [fileJob('{task.name}|{task.id}|{run.id}|{run.cause}|{who}|{order.no}')],
      });
      const { run, files } = await runNow(t, alice, taskId, { who: 'world', 'order.no': 'A-17' });
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(
        files['out.txt'],
        `Nightly {x} report|${taskId}|${run.id}|manual|world|A-17`,
        'a placeholder inside a value (the task name) is not filled again',
      );

      const token = await alice.post('/api/v1/tokens', { name: 'placeholders' });
      assert.equal(token.status, 201, JSON.stringify(token.body));
      const viaToken = await t.anonymous.request('POST', `/api/v1/tasks/${taskId}/run`, undefined, {
        authorization: `Bearer ${token.body.token}`,
      });
      assert.equal(viaToken.status, 202, JSON.stringify(viaToken.body));
      const api = await finished(t, alice, viaToken.body.runId);
      assert.match(api.files['out.txt'] ?? '', /\|api\|\{who\}\|\{order\.no\}$/);
    });

    it('fills a parameter once: a value holding a placeholder stays literal', async () => {
      const taskId = await createTask(alice, {
        name: 'injection',
        jobs: [fileJob('[{who}]', '{who}.txt')],
      });
      const { run, files } = await runNow(t, alice, taskId, { who: '{task.id}' });
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.deepEqual(files, { '{task.id}.txt': '[{task.id}]' });
    });

    it('leaves unknown placeholders and mere braces as written', async () => {
      const text =
        '{no.such} {job.nope.exitCode} { task.name } {task.name {9x} {a b} {{run.cause}}';
      const taskId = await createTask(alice, { name: 'braces', jobs: [fileJob(text)] });
      const { run, files } = await runNow(t, alice, taskId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(
        files['out.txt'],
        '{no.such} {job.nope.exitCode} { task.name } {task.name {9x} {a b} {manual}',
      );
    });

    it('formats {date} and {time} of a scheduled occurrence in the task’s zone', async () => {
      const taskId = await createTask(alice, {
        name: 'auckland',
        enabled: true,
        timezone: 'Pacific/Auckland',
        triggers: [
          {
            kind: 'time',
            config: {
              timezone: 'Pacific/Auckland',
              start: '2026-03-03T00:30',
              intervals: [{ kind: 'once', at: '2026-03-03T00:30' }],
            },
          },
        ],
        jobs: [fileJob('{date:yyyy-MM-dd} {time:HH-mm} {date} {time} {date:d.M.yy} {run.cause}')],
      });
      await t.clock.advance(60_000);
      t.engine.wake();
      const [scheduled] = await runsUntil(t, taskId, 1);
      assert.equal(scheduled?.scheduledFor, '2026-03-02T11:30:00.000Z');
      const { run, files } = await finished(t, alice, scheduled?.id ?? '');
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      // In UTC it is still the 2nd at 11:30: the zone, not the server's, decides.
      assert.equal(files['out.txt'], '2026-03-03 00-30 2026-03-03 00:30 3.3.26 schedule');
      assert.equal((await runsOf(t, taskId)).length, 1);
    });

    it('refuses parameters named like built-ins, and a series field cannot spoof them either', async () => {
      const taskId = await createTask(alice, {
        name: 'spoof target',
        series: { kind: 'list', config: { items: [{ 'run.cause': 'schedule', 'task.id': 'X' }] } },
        jobs: [fileJob('{run.cause}|{task.id}')],
      });
      for (const name of ['task.id', 'run.cause', 'job.fetch.status', 'run', 'trigger.run.id']) {
        const started = await alice.post(`/api/v1/tasks/${taskId}/run`, {
          parameters: { [name]: 'SPOOFED' },
        });
        assert.equal(started.status, 400, name);
        assert.match(started.body.errors[0].message, /built-in placeholder/);
      }
      const { run, files } = await runNow(t, alice, taskId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(files['out.txt'], `manual|${taskId}`);
    });

    it('fills {task.owner}, {run.startedAt} and {run.url}; actions see {run.status}, {run.reason}, {run.duration}', async () => {
      const address = await t.admin.patch('/api/v1/settings', {
        publicUrl: 'https://planner.example.com',
      });
      assert.equal(address.status, 200, JSON.stringify(address.body));
      const sinkName = sink('run-facts');
      const taskId = await createTask(alice, {
        name: 'run facts',
        jobs: [
          fileJob('{task.owner}|{run.startedAt}|{run.url}|{run.status}'),
          { id: 'broken', kind: 'fail', config: { message: 'no data today' } },
        ],
        actions: [{ kind: 'collect', config: { sink: sinkName } }],
      });
      const { run, files } = await runNow(t, alice, taskId);
      assert.equal(run.status, 'failed', JSON.stringify(run));
      assert.equal(
        files['out.txt'],
        `alice|${run.startedAt}|https://planner.example.com/runs/${run.id}|{run.status}`,
        'jobs get the run facts; the status so far is for actions',
      );
      const [seen] = received.get(sinkName) ?? [];
      assert.equal(seen?.placeholders['run.status'], 'failed');
      assert.equal(seen?.placeholders['run.reason'], 'job broken: no data today');
      assert.match(String(seen?.placeholders['run.duration']), /^\d+ ms$/);
    });

    it('gives a run started after another the run it follows as {trigger.*}', async () => {
      const sinkName = sink('after');
      const first = await createTask(alice, {
        name: 'Extract',
        jobs: [{ kind: 'fail', config: { message: 'the source was empty' } }],
      });
      const second = await createTask(alice, {
        name: 'Report',
        enabled: true,
        triggers: [{ kind: 'after-task', config: { taskId: first, on: 'always' } }],
        jobs: [{ kind: 'text', config: { text: 'done' } }],
        actions: [{ kind: 'collect', config: { sink: sinkName } }],
      });
      const { run: extract } = await runNow(t, alice, first);
      const [follower] = await runsUntil(t, second, 1);
      await finished(t, alice, follower?.id ?? '');
      const [seen] = received.get(sinkName) ?? [];
      assert.deepEqual(
        Object.fromEntries(
          Object.entries(seen?.placeholders ?? {}).filter(([name]) => name.startsWith('trigger.')),
        ),
        {
          'trigger.task.id': first,
          'trigger.task.name': 'Extract',
          'trigger.run.id': extract.id,
          'trigger.run.status': 'failed',
          'trigger.run.reason': extract.reason,
        },
      );
    });

    it('gives every series item its fields as placeholders, over a run parameter of the same name', async () => {
      const taskId = await createTask(alice, {
        name: 'per region',
        series: {
          kind: 'list',
          config: {
            items: [
              { name: 'ann', region: 'north', 'user.id': 7 },
              { name: 'bo', region: 'south', 'user.id': 8 },
            ],
          },
        },
        jobs: [fileJob('{name} of {region} (#{user.id}) in {task.name}', '{region}-{name}.txt')],
        actions: [{ kind: 'collect', config: { sink: sink('series') } }],
      });
      const { run, files } = await runNow(t, alice, taskId, { region: 'overridden?' });
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.deepEqual(files, {
        'north-ann.txt': 'ann of north (#7) in per region',
        'south-bo.txt': 'bo of south (#8) in per region',
      });
      assert.deepEqual(
        run.items.map((item: { values: unknown }) => item.values),
        [
          { name: 'ann', region: 'north', 'user.id': 7 },
          { name: 'bo', region: 'south', 'user.id': 8 },
        ],
      );
      const calls = received.get(sink('series')) ?? [];
      assert.deepEqual(
        calls.map((call) => [call.placeholders.name, call.placeholders['task.id']]),
        [
          ['ann', taskId],
          ['bo', taskId],
        ],
      );
    });

    it('hands a job’s outputs to the actions as {job.<id>.<output>}, not to other jobs', async () => {
      const follower = await createTask(alice, {
        name: 'follower',
        jobs: [fileJob('code={code} status={state}')],
      });
      const taskId = await createTask(alice, {
        name: 'exit code',
        jobs: [
          {
            id: 'probe',
            kind: 'command',
            config: { program: NODE, arguments: ['-e', 'process.exit(3)'], validExitCodes: [0, 3] },
          },
          fileJob('seen by a job: {job.probe.exitCode}'),
        ],
        actions: [
          { kind: 'collect', config: { sink: sink('outputs') } },
          {
            kind: 'next-task',
            config: {
              taskId: follower,
              parameters: { code: '{job.probe.exitCode}', state: 'of {task.name}' },
            },
          },
        ],
      });
      const { run, files } = await runNow(t, alice, taskId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.equal(files['out.txt'], 'seen by a job: {job.probe.exitCode}');
      const [call] = received.get(sink('outputs')) ?? [];
      assert.equal(call?.placeholders['job.probe.exitCode'], 3);
      assert.equal(call?.placeholders['job.write.exitCode'], undefined);

      const [next] = await runsUntil(t, follower, 1);
      const followed = await finished(t, alice, next?.id ?? '');
      assert.deepEqual(followed.run.parameters, {
        code: '3',
        state: 'of exit code',
        'trigger.task.id': taskId,
        'trigger.task.name': 'exit code',
        'trigger.run.id': run.id,
        'trigger.run.status': 'succeeded',
        'trigger.run.reason': '',
      });
      assert.equal(followed.files['out.txt'], 'code=3 status=of exit code');
    });

    it('publishes an output even when the job then fails, for the actions that report it', async () => {
      const taskId = await createTask(alice, {
        name: 'failing probe',
        jobs: [
          {
            id: 'probe',
            kind: 'command',
            config: { program: NODE, arguments: ['-e', 'process.exit(4)'] },
          },
          { kind: 'text', config: { text: 'something to report' } },
        ],
        actions: [{ kind: 'collect', config: { sink: sink('failed') } }],
      });
      const { run } = await runNow(t, alice, taskId);
      assert.equal(run.status, 'failed');
      assert.match(run.reason ?? '', /exited with code 4/);
      const [call] = received.get(sink('failed')) ?? [];
      assert.equal(call?.placeholders['job.probe.exitCode'], 4);
    });
  });
}
