import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ComponentOutcome, Run } from '../../src/domain/run.ts';
import type { DeliveredResult } from '../../src/plugins/results.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { logShows } from '../support/engine-runs.ts';
import { received } from '../support/test-kinds.ts';

/** The texts of the results an action received, sorted. */
function texts(results: readonly DeliveredResult[]): string[] {
  return results.map((result) => (result.type === 'text' ? result.text : result.type)).sort();
}

/** The outcome of one component of one item of a run. */
function component(run: Run, id: string, item = 0): ComponentOutcome {
  const found = run.items[item]?.components.find((each) => each.id === id);
  assert.ok(found, `no outcome of ${id} in ${JSON.stringify(run.items)}`);
  return found;
}

for (const backend of await backends()) {
  describe(`pipeline on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    before(async () => {
      t = await startEngineApp(backend, 'pipeline');
    });
    after(async () => {
      await t?.close();
    });

    /** A name unique to this backend, for sinks, gates and logins. */
    const unique = (name: string) => `${backend.name}-${name}`;

    async function createTask(body: Record<string, unknown>, client = t.admin): Promise<string> {
      const created = await client.post('/api/v1/tasks', { enabled: false, ...body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id as string;
    }

    async function startRun(taskId: string, client: ApiClient = t.admin): Promise<string> {
      const started = await client.post(`/api/v1/tasks/${taskId}/run`, {});
      assert.equal(started.status, 202, JSON.stringify(started.body));
      return started.body.runId as string;
    }

    async function runTask(taskId: string, client: ApiClient = t.admin): Promise<Run> {
      return t.ended(await startRun(taskId, client));
    }

    /** Runs jobs with one collect action of a qualification; what the action got, if it ran. */
    async function qualified(name: string, qualification: string, jobs: unknown[]) {
      const sink = unique(`qualification-${name}`);
      const taskId = await createTask({
        name,
        jobs,
        actions: [{ id: 'collect', kind: 'collect', qualification, config: { sink } }],
      });
      const run = await runTask(taskId);
      const calls = received.get(sink) ?? [];
      assert.ok(calls.length <= 1, 'the action ran at most once');
      return { action: component(run, 'collect'), got: calls[0] ? texts(calls[0].results) : null };
    }

    const good = { id: 'good', kind: 'text', config: { text: 'good' } };
    const bad = { id: 'bad', kind: 'text', config: { text: 'bad', valid: false } };
    const failing = { id: 'broken', kind: 'fail', config: { message: 'job broke' } };

    it('runs the jobs, then each action once with all the results it accepts', async () => {
      const sink = unique('two-texts');
      const taskId = await createTask({
        name: 'two texts',
        jobs: [
          { id: 'one', kind: 'text', config: { text: 'first' } },
          { id: 'two', kind: 'text', config: { text: 'second' } },
        ],
        actions: [{ id: 'collect', kind: 'collect', config: { sink } }],
      });
      const run = await runTask(taskId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const calls = received.get(sink) ?? [];
      assert.equal(calls.length, 1, 'one call of the action');
      assert.deepEqual(texts(calls[0]?.results ?? []), ['first', 'second']);
      assert.deepEqual(
        run.items[0]?.components.map((each) => [each.id, each.category, each.status]),
        [
          ['one', 'job', 'succeeded'],
          ['two', 'job', 'succeeded'],
          ['collect', 'action', 'succeeded'],
        ],
      );
    });

    it('skips an action whose input type no job produced, with the reason', async () => {
      const sink = unique('no-files');
      const taskId = await createTask({
        name: 'no files',
        jobs: [{ id: 'text', kind: 'text', config: { text: 'not a file' } }],
        actions: [{ id: 'files', kind: 'collect-files', config: { sink } }],
      });
      const run = await runTask(taskId);
      const files = component(run, 'files');
      assert.equal(files.status, 'skipped');
      assert.equal(files.message, 'no job produced a file result');
      assert.equal(received.get(sink), undefined, 'the action was not called');
      assert.equal(run.status, 'succeeded', 'a skipped action is no failure');
    });

    it('qualification always: the action gets every result, valid or not', async () => {
      const { action, got } = await qualified('always', 'always', [good, bad, failing]);
      assert.equal(action.status, 'succeeded');
      assert.deepEqual(got, ['bad', 'good']);
    });

    it('qualification all-valid: runs only if every job succeeded and every result is valid', async () => {
      const mixed = await qualified('all-valid mixed', 'all-valid', [good, bad]);
      assert.equal(mixed.action.status, 'skipped');
      assert.match(mixed.action.message ?? '', /all-valid/);
      assert.equal(mixed.got, null);
      const withFailure = await qualified('all-valid failure', 'all-valid', [good, failing]);
      assert.equal(withFailure.action.status, 'skipped');
      assert.equal(withFailure.got, null);
      const clean = await qualified('all-valid clean', 'all-valid', [good]);
      assert.equal(clean.action.status, 'succeeded');
      assert.deepEqual(clean.got, ['good']);
    });

    it('qualification any-valid: runs with only the valid results', async () => {
      const mixed = await qualified('any-valid mixed', 'any-valid', [good, bad, failing]);
      assert.equal(mixed.action.status, 'succeeded');
      assert.deepEqual(mixed.got, ['good']);
      const none = await qualified('any-valid none', 'any-valid', [bad, failing]);
      assert.equal(none.action.status, 'skipped');
      assert.match(none.action.message ?? '', /any-valid/);
      assert.equal(none.got, null);
    });

    it('qualification none-valid: runs only if no result is valid', async () => {
      const invalid = await qualified('none-valid invalid', 'none-valid', [bad, failing]);
      assert.equal(invalid.action.status, 'succeeded');
      assert.deepEqual(invalid.got, ['bad']);
      const mixed = await qualified('none-valid mixed', 'none-valid', [good, bad]);
      assert.equal(mixed.action.status, 'skipped');
      assert.match(mixed.action.message ?? '', /none-valid/);
      assert.equal(mixed.got, null);
    });

    it('a failing action does not stop the next one; the run ends failed with the outcomes', async () => {
      const sink = unique('after-failure');
      const taskId = await createTask({
        name: 'failing action',
        jobs: [{ id: 'text', kind: 'text', config: { text: 'hello' } }],
        actions: [
          { id: 'broken', kind: 'fail' },
          { id: 'collect', kind: 'collect', config: { sink } },
        ],
      });
      const run = await runTask(taskId);
      assert.equal(run.status, 'failed');
      assert.equal(run.reason, 'action failed on purpose');
      assert.deepEqual(
        run.items[0]?.components.map(({ id, category, kind, status, message }) => ({
          id,
          category,
          kind,
          status,
          message,
        })),
        [
          { id: 'text', category: 'job', kind: 'text', status: 'succeeded', message: null },
          {
            id: 'broken',
            category: 'action',
            kind: 'fail',
            status: 'failed',
            message: 'action failed on purpose',
          },
          {
            id: 'collect',
            category: 'action',
            kind: 'collect',
            status: 'succeeded',
            message: null,
          },
        ],
      );
      assert.deepEqual(texts(received.get(sink)?.[0]?.results ?? []), ['hello']);
    });

    describe('series', () => {
      const items = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];

      async function runSeries(name: string, list: unknown[], jobs: unknown[]) {
        const sink = unique(`series-${name}`);
        const taskId = await createTask({
          name,
          series: { kind: 'list', config: { items: list } },
          jobs,
          actions: [{ id: 'collect', kind: 'collect', config: { sink } }],
        });
        return { run: await runTask(taskId), calls: received.get(sink) ?? [] };
      }

      const greeting = { id: 'greet', kind: 'text', config: { text: 'hello {name}' } };

      it('runs every item with its values as placeholders', async () => {
        const { run, calls } = await runSeries('three items', items, [greeting]);
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        assert.deepEqual(
          calls.map((call) => [call.placeholders.name, texts(call.results)]),
          [
            ['a', ['hello a']],
            ['b', ['hello b']],
            ['c', ['hello c']],
          ],
        );
        assert.deepEqual(
          run.items.map((item) => item.values),
          items,
        );
      });

      it('one failing item makes the run partially-failed; the other items still run', async () => {
        const failB = { id: 'fail-b', kind: 'fail', config: { when: 'b', message: 'b broke' } };
        const { run, calls } = await runSeries('one fails', items, [failB, greeting]);
        assert.equal(run.status, 'partially-failed');
        assert.match(run.reason ?? '', /1 of 3 items failed.*b broke/);
        assert.deepEqual(
          run.items.map((item) => item.status),
          ['succeeded', 'failed', 'succeeded'],
        );
        assert.deepEqual(
          calls.map((call) => call.placeholders.name),
          ['a', 'b', 'c'],
        );
      });

      it('all items failing makes the run failed', async () => {
        const failAll = { id: 'fail', kind: 'fail', config: { message: 'all broke' } };
        const { run } = await runSeries('all fail', items, [failAll]);
        assert.equal(run.status, 'failed');
        assert.equal(run.reason, 'all broke');
        assert.deepEqual(
          run.items.map((item) => item.status),
          ['failed', 'failed', 'failed'],
        );
      });

      it('an empty list succeeds with the reason', async () => {
        const { run, calls } = await runSeries('empty', [], [greeting]);
        assert.equal(run.status, 'succeeded');
        assert.equal(run.reason, 'the series was empty');
        assert.deepEqual(run.items, []);
        assert.equal(calls.length, 0);
      });
    });

    describe('permissions at run time', () => {
      /** A user with taskplanner only, owning a task with a guarded and a text job. */
      async function guardedTask(login: string) {
        const owner = await t.user(unique(login), ['taskplanner']);
        const sink = unique(`guarded-${login}`);
        const taskId = await createTask(
          {
            name: 'guarded',
            jobs: [
              { id: 'guarded', kind: 'guarded' },
              { id: 'text', kind: 'text', config: { text: 'plain' } },
            ],
            actions: [{ id: 'collect', kind: 'collect', config: { sink } }],
          },
          owner.client,
        );
        return { owner, taskId, sink };
      }

      it('a job needing a permission the owner lacks fails naming it; the others run', async () => {
        const { owner, taskId, sink } = await guardedTask('lacks-guarded');
        const run = await runTask(taskId, owner.client);
        const guarded = component(run, 'guarded');
        assert.equal(guarded.status, 'failed');
        assert.match(guarded.message ?? '', /job\.guarded/);
        assert.equal(component(run, 'text').status, 'succeeded');
        assert.deepEqual(texts(received.get(sink)?.[0]?.results ?? []), ['plain']);
        assert.equal(run.status, 'failed');
      });

      it('after the permission is granted, the guarded job succeeds', async () => {
        const { owner, taskId } = await guardedTask('granted-guarded');
        const granted = await t.admin.patch(`/api/v1/users/${owner.id}`, {
          permissions: ['taskplanner', 'job.guarded'],
        });
        assert.equal(granted.status, 200, JSON.stringify(granted.body));
        const run = await runTask(taskId, owner.client);
        assert.equal(component(run, 'guarded').status, 'succeeded');
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
      });

      it('an owner without taskplanner any more: the next run fails naming it', async () => {
        const { owner, taskId } = await guardedTask('revoked');
        const revoked = await t.admin.patch(`/api/v1/users/${owner.id}`, { permissions: [] });
        assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
        const run = await runTask(taskId);
        assert.equal(run.status, 'failed');
        assert.match(run.reason ?? '', /'taskplanner'/);
        assert.deepEqual(run.items, [], 'no component ran');
      });

      it('a disabled owner: the next run fails', async () => {
        const { owner, taskId } = await guardedTask('disabled');
        const disabled = await t.admin.post(`/api/v1/users/${owner.id}/disable`);
        assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
        const run = await runTask(taskId);
        assert.equal(run.status, 'failed');
        assert.match(run.reason ?? '', /disabled/);
        assert.deepEqual(run.items, [], 'no component ran');
      });
    });

    it('a run over its timeout ends timed-out with the reason', async () => {
      const taskId = await createTask({
        name: 'slow',
        policy: { timeoutSeconds: 5 },
        jobs: [{ id: 'wait', kind: 'wait', config: { gate: unique('never-opens') } }],
      });
      const runId = await startRun(taskId);
      await logShows(t, runId, 'waiting');
      await t.clock.advance(4_999);
      assert.equal((await t.services.store.runs.get(runId))?.status, 'running');
      await t.clock.advance(1);
      const run = await t.ended(runId);
      assert.equal(run.status, 'timed-out');
      assert.equal(run.reason, 'exceeded its timeout of 5 s');
      assert.equal(component(run, 'wait').status, 'timed-out');
    });

    it('cancelling a running run ends it canceled', async () => {
      const taskId = await createTask({
        name: 'to cancel',
        jobs: [{ id: 'wait', kind: 'wait', config: { gate: unique('cancel-gate') } }],
      });
      const runId = await startRun(taskId);
      await logShows(t, runId, 'waiting');
      const canceled = await t.admin.post(`/api/v1/runs/${runId}/cancel`);
      assert.equal(canceled.status, 202, JSON.stringify(canceled.body));
      const run = await t.ended(runId);
      assert.equal(run.status, 'canceled');
      assert.equal(component(run, 'wait').status, 'canceled');
    });

    it('cancelling an ended run is refused with RUN_ENDED', async () => {
      const taskId = await createTask({ name: 'quick', jobs: [{ kind: 'noop' }] });
      const run = await runTask(taskId);
      assert.equal(run.status, 'succeeded');
      const refused = await t.admin.post(`/api/v1/runs/${run.id}/cancel`);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'RUN_ENDED');
      assert.equal((await t.admin.get(`/api/v1/runs/${run.id}`)).body.status, 'succeeded');
    });

    it('keeps file results as artifacts to download', async () => {
      const taskId = await createTask({
        name: 'file',
        jobs: [{ id: 'file', kind: 'file', config: { name: 'report.txt', content: 'file body' } }],
      });
      const run = await runTask(taskId);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const view = await t.admin.get(`/api/v1/runs/${run.id}`);
      const [result] = view.body.results;
      assert.equal(result.type, 'file');
      assert.equal(result.name, 'report.txt');
      assert.equal(result.size, 'file body'.length);
      assert.ok(result.artifactId, JSON.stringify(result));
      const download = await t.admin.get(`/api/v1/runs/${run.id}/artifacts/${result.artifactId}`);
      assert.equal(download.status, 200);
      assert.match(String(download.headers['content-type']), /^text\/plain/);
      assert.equal(download.body, 'file body');
    });
  });
}
