// Problems outside runs reach the task's owner: a schedule that no longer compiles, an event
// trigger that fails to start and secrets a trigger cannot open are each recorded once as a failed
// run of the task, with their reason code (docs/reason-codes.md), whatever the restarts and nodes.
// And the reasons runs end with carry their codes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { ENGINE_DEFAULTS, Engine } from '../../src/engine/engine.ts';
import { defineTrigger } from '../../src/plugins/define-kind.ts';
import type { Plugin } from '../../src/plugins/plugin.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { engineAppPerTest } from '../support/engine-per-test.ts';
import type { EngineApp } from '../support/engine-app.ts';
import { nextEvent } from '../support/engine-events.ts';
import {
  EVERY_MINUTE,
  executing,
  logShows,
  runsUntil,
  type RunView,
  tick,
  restart,
} from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';

const MINUTE = 60_000;
/** A secret whose JSON, URL and base64 forms all differ from it. */
const TOKEN = 'hunter2/listener "tok&en"';

/** Event trigger kinds with one behaviour each: one whose start fails, one with a secret. */
const triggerKinds: Plugin = {
  name: 'owner-visible-failures',
  components: [
    defineTrigger({
      kind: 'refuses-to-start',
      title: 'Refuses to start',
      description: 'Its start fails, naming its folder and its token in several encodings',
      configSchema: Type.Object({ folder: Type.String(), token: Type.String({ secret: true }) }),
      start: (config) => {
        const { folder, token } = config;
        const encoded = [encodeURIComponent(token), JSON.stringify(token), btoa(token)];
        throw new Error(`cannot watch ${folder} with ${token}, as ${encoded.join(', ')}`);
      },
    }),
    defineTrigger({
      kind: 'listens',
      title: 'Listens',
      description: 'Starts, with a secret, and listens to nothing',
      configSchema: Type.Object({ token: Type.String({ secret: true }) }),
      start: () => () => {},
    }),
  ],
};

/** A run as the API shows it, with the fields of its reason and trigger. */
type CodedRun = RunView & { reasonCode: string | null; triggerId: string | null };

/** The task's runs as its owner sees them over the API, oldest first. */
async function ownerSees(owner: ApiClient, taskId: string): Promise<CodedRun[]> {
  const listed = await owner.get(`/api/v1/runs?taskId=${taskId}&limit=100`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return [...listed.body.items].reverse();
}

async function create(owner: ApiClient, body: Record<string, unknown>): Promise<string> {
  const created = await owner.post('/api/v1/tasks', {
    name: 'owner sees',
    timezone: 'UTC',
    ...body,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

async function runManually(owner: ApiClient, taskId: string): Promise<string> {
  const started = await owner.post(`/api/v1/tasks/${taskId}/run`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body.runId;
}

/** Changes the stored task behind the API's back, as an upgrade or another key would find it. */
async function alterStored(t: EngineApp, taskId: string, config: Record<string, unknown>) {
  const store = t.services.store;
  const task = await store.tasks.get(taskId);
  assert.ok(task, `task ${taskId} is stored`);
  const triggers = task.triggers.map((trigger) => ({ ...trigger, config }));
  assert.ok(await store.tasks.update({ ...task, triggers }, task.revision));
}

/** Asserts the task has exactly one run: the failed record of its trigger's problem. */
function assertOneProblem(runs: readonly CodedRun[], code: string, triggerId: string): CodedRun {
  assert.equal(runs.length, 1, JSON.stringify(runs));
  const [run] = runs as [CodedRun];
  assert.deepEqual(
    [run.status, run.reasonCode, run.cause, run.triggerId, run.occurrences, run.startedAt],
    ['failed', code, 'trigger', triggerId, 0, null],
  );
  return run;
}

for (const backend of await backends()) {
  describe(`failures the owner sees on ${backend.name}`, { skip: backend.skip }, () => {
    let other: { engine: Engine; workRoot: string } | undefined;
    afterEach(async () => {
      await other?.engine.stop(0);
      if (other) rmSync(other.workRoot, { recursive: true, force: true });
      other = undefined;
    });
    const { open, gateName } = engineAppPerTest(backend, 'owner-sees', { plugins: [triggerKinds] });

    /** A second node on the same store, started (its event triggers with it). */
    async function startOtherNode(t: EngineApp): Promise<void> {
      const workRoot = mkdtempSync(join(tmpdir(), 'tp-work-other-'));
      const options = { ...ENGINE_DEFAULTS, nodeName: 'other-node', workRoot };
      const quiet = { info: () => {}, error: () => {} };
      const engine = new Engine(
        t.services.store,
        t.services.registry,
        t.clock,
        options,
        quiet,
        t.services,
      );
      other = { engine, workRoot };
      await engine.start();
    }

    describe('problems outside runs', () => {
      it('a stored schedule that no longer compiles: one failed run, schedule-invalid, also after a restart', async () => {
        const t = await open();
        const alice = (await t.user('alice', ['taskplanner'])).client;
        const taskId = await create(alice, {
          triggers: [{ id: 'every-minute', ...EVERY_MINUTE }],
          jobs: [{ kind: 'noop' }],
        });
        // As after an upgrade that no longer knows its zone: the stored trigger still fires next.
        await alterStored(t, taskId, { ...EVERY_MINUTE.config, timezone: 'Nowhere/Atlantis' });
        const recorded = nextEvent(t.engine, 'trigger-problem');
        await tick(t, MINUTE);
        const [[record]] = await recorded;
        const run = assertOneProblem(
          await ownerSees(alice, taskId),
          'schedule-invalid',
          'every-minute',
        );
        assert.deepEqual(record, {
          runId: run.id,
          taskId,
          reasonCode: 'schedule-invalid',
          reason: run.reason,
        });
        assert.match(
          run.reason ?? '',
          /^trigger every-minute \(time\) fires no more: its schedule does not compile: .*unknown time zone 'Nowhere\/Atlantis'/,
        );
        const [trigger] = await t.services.store.triggers.forTask(taskId);
        assert.equal(trigger?.nextFireAt, null, 'the trigger fires no more');
        const shown = await alice.get(`/api/v1/runs/${run.id}`);
        assert.equal(shown.body.reasonCode, 'schedule-invalid');
        assert.equal((await alice.get(`/api/v1/tasks/${taskId}`)).body.lastRun?.status, 'failed');

        await restart(t);
        await tick(t, 3 * MINUTE);
        await startOtherNode(t);
        other?.engine.wake();
        await tick(t, MINUTE);
        assertOneProblem(await ownerSees(alice, taskId), 'schedule-invalid', 'every-minute');
      });

      it('a task enabled with a stored schedule that no longer compiles records it at once', async () => {
        const t = await open();
        const alice = (await t.user('alice', ['taskplanner'])).client;
        const taskId = await create(alice, {
          enabled: false,
          triggers: [{ id: 'every-minute', ...EVERY_MINUTE }],
          jobs: [{ kind: 'noop' }],
        });
        await alterStored(t, taskId, { ...EVERY_MINUTE.config, timezone: 'Nowhere/Atlantis' });
        const recorded = nextEvent(t.engine, 'trigger-problem');
        const enabled = await alice.post(`/api/v1/tasks/${taskId}/enable`);
        assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
        await recorded;
        assertOneProblem(await ownerSees(alice, taskId), 'schedule-invalid', 'every-minute');
        await tick(t, 2 * MINUTE);
        assertOneProblem(await ownerSees(alice, taskId), 'schedule-invalid', 'every-minute');
      });

      it('an event trigger whose start fails: one failed run, trigger-not-started, its secret hidden, on every node and restart', async () => {
        const t = await open();
        const alice = (await t.user('alice', ['taskplanner'])).client;
        const recorded = nextEvent(t.engine, 'trigger-problem');
        const taskId = await create(alice, {
          triggers: [
            { id: 'watch', kind: 'refuses-to-start', config: { folder: '/gone', token: TOKEN } },
          ],
          jobs: [{ kind: 'noop' }],
        });
        const [[record]] = await recorded;
        assert.equal(record?.taskId, taskId);
        const run = assertOneProblem(
          await ownerSees(alice, taskId),
          'trigger-not-started',
          'watch',
        );
        assert.equal(
          run.reason,
          'trigger watch (refuses-to-start) did not start: cannot watch /gone with ***, as ***, "***", ***',
        );

        await restart(t);
        await startOtherNode(t);
        await restart(t);
        assertOneProblem(await ownerSees(alice, taskId), 'trigger-not-started', 'watch');
      });

      it('a trigger whose secrets cannot be opened: one failed run, secrets-unreadable, also after restarts', async () => {
        const t = await open();
        const alice = (await t.user('alice', ['taskplanner'])).client;
        const taskId = await create(alice, {
          triggers: [{ id: 'listen', kind: 'listens', config: { token: TOKEN } }],
          jobs: [{ kind: 'noop' }],
        });
        assert.deepEqual(await ownerSees(alice, taskId), [], 'it started');
        // Sealed by a server with another secret key, as after TASKPLANNER_SECRET changed.
        const foreign = new SecretBox('another-server-secret-that-is-long-enough').seal(TOKEN);
        await alterStored(t, taskId, { token: foreign });
        await restart(t);
        const run = assertOneProblem(
          await ownerSees(alice, taskId),
          'secrets-unreadable',
          'listen',
        );
        assert.match(
          run.reason ?? '',
          /^trigger listen \(listens\) did not start: a stored secret cannot be decrypted/,
        );

        await restart(t);
        await startOtherNode(t);
        assertOneProblem(await ownerSees(alice, taskId), 'secrets-unreadable', 'listen');
      });

      it('a change of the task records a problem that remains, once more', async () => {
        const t = await open();
        const alice = (await t.user('alice', ['taskplanner'])).client;
        const config = { folder: '/gone', token: TOKEN };
        const first = nextEvent(t.engine, 'trigger-problem');
        const taskId = await create(alice, {
          triggers: [{ id: 'watch', kind: 'refuses-to-start', config }],
          jobs: [{ kind: 'noop' }],
        });
        await first;
        await t.clock.advance(1000);
        const again = nextEvent(t.engine, 'trigger-problem');
        const renamed = await alice.patch(`/api/v1/tasks/${taskId}`, {
          name: 'renamed',
          revision: 1,
        });
        assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
        await again;
        const runs = await ownerSees(alice, taskId);
        assert.deepEqual(
          runs.map((run) => [run.status, run.reasonCode]),
          [
            ['failed', 'trigger-not-started'],
            ['failed', 'trigger-not-started'],
          ],
        );
      });
    });

    describe('reasons of runs carry their codes', () => {
      it('an occurrence skipped by the overlap policy: overlap-skipped', async () => {
        const t = await open();
        const name = gateName('overlap');
        const taskId = await create(t.admin, {
          triggers: [EVERY_MINUTE],
          jobs: [{ kind: 'wait', config: { gate: name } }],
          policy: { overlap: 'skip' },
        });
        await tick(t, MINUTE);
        const [first] = await runsUntil(t, taskId, 1);
        await executing(t, first?.id ?? '');
        const skipped = nextEvent(t.engine, 'skipped');
        await tick(t, MINUTE);
        const [[record]] = await skipped;
        assert.equal(record?.reasonCode, 'overlap-skipped');
        const runs = await ownerSees(t.admin, taskId);
        assert.deepEqual(
          [runs[1]?.status, runs[1]?.reasonCode, runs[1]?.reason],
          ['skipped', 'overlap-skipped', 'the previous run was still running'],
        );
        gate(name).open();
        assert.equal((await t.ended(first?.id ?? '')).reasonCode, null, 'it simply succeeded');
      });

      it('a canceled run, queued or running: canceled', async () => {
        const t = await open();
        const taskId = await create(t.admin, {
          jobs: [{ kind: 'wait', config: { gate: gateName('cancel') } }],
        });
        const running = await runManually(t.admin, taskId);
        await executing(t, running);
        const queued = await runManually(t.admin, taskId);
        for (const runId of [queued, running]) {
          const canceled = await t.admin.post(`/api/v1/runs/${runId}/cancel`);
          assert.equal(canceled.status, 202, JSON.stringify(canceled.body));
        }
        await t.ended(running);
        const runs = await ownerSees(t.admin, taskId);
        assert.deepEqual(
          runs.map((run) => [run.status, run.reasonCode, run.reason]),
          [
            ['canceled', 'canceled', 'canceled while it ran'],
            ['canceled', 'canceled', 'canceled before it started'],
          ],
        );
      });

      it('a run over its timeout: timed-out', async () => {
        const t = await open();
        const taskId = await create(t.admin, {
          policy: { timeoutSeconds: 5 },
          jobs: [{ kind: 'wait', config: { gate: gateName('timeout') } }],
        });
        const runId = await runManually(t.admin, taskId);
        await logShows(t, runId, 'waiting');
        await t.clock.advance(5_000);
        const run = await t.ended(runId);
        assert.deepEqual(
          [run.status, run.reasonCode, run.reason],
          ['timed-out', 'timed-out', 'exceeded its timeout of 5 s'],
        );
      });

      it('a failing job: component-failed, and its retry: retry', async () => {
        const t = await open();
        const taskId = await create(t.admin, {
          policy: { retries: 1, retryBackoffSeconds: 1 },
          jobs: [{ kind: 'fail', config: { message: 'broke' } }],
        });
        const first = await t.ended(await runManually(t.admin, taskId));
        assert.deepEqual(
          [first.status, first.reasonCode, first.reason],
          ['failed', 'component-failed', 'broke'],
        );
        const [, retry] = await ownerSees(t.admin, taskId);
        assert.deepEqual(
          [retry?.status, retry?.reasonCode, retry?.reason],
          ['queued', 'retry', 'retry 1 of 1, after the run ended failed'],
        );
        await tick(t, 1000);
        const retried = await t.ended(retry?.id ?? '');
        assert.deepEqual([retried.status, retried.reasonCode], ['failed', 'component-failed']);
      });
    });
  });
}
