// The engine's events, as the tests, the dashboard and the metrics receive them: each is awaited
// through nextEvent, which rejects when the event does not come.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvents } from '../../src/engine/engine-events.ts';
import { FireTimesCache } from '../../src/engine/fire-times-cache.ts';
import { expiredLeases, sweepLeases } from '../../src/engine/lease-sweeper.ts';
import { backends } from '../support/backends.ts';
import { engineAppPerTest } from '../support/engine-per-test.ts';
import { noticerOf } from '../support/engine-app.ts';
import { nextEvent } from '../support/engine-events.ts';
import { createTask, EVERY_MINUTE, executing, runManually, tick } from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';

const MINUTE = 60_000;
const START = Date.parse('2026-03-02T08:00:00Z');
/** A heartbeat of the default lease (30 s) comes every 10 s. */
const ENGINE_HEARTBEAT_MS = 10_000;

for (const backend of await backends()) {
  describe(`engine events on ${backend.name}`, { skip: backend.skip }, () => {
    const { open, gateName } = engineAppPerTest(backend, 'engine-events');

    it('a manual run emits claimed, started, its log lines and ended, in that order', async () => {
      const t = await open();
      const taskId = await createTask(t, {
        enabled: false,
        jobs: [{ kind: 'wait', config: { ms: 0 } }],
      });
      const order: string[] = [];
      const seen = <K extends keyof EngineEvents>(
        name: K,
        matches?: (...args: EngineEvents[K]) => boolean,
      ) =>
        nextEvent(t.engine, name, matches).then((args) => {
          order.push(name);
          return args;
        });
      // This engine runs nothing else: the first of each event is this run's.
      const claimed = seen('claimed');
      const started = seen('started');
      const logged = seen('log', (_, text) => text.includes('waiting'));
      const ended = seen('ended');
      const runId = await runManually(t, taskId);
      assert.deepEqual(await claimed, [[{ runId, taskId, reserved: false }]]);
      assert.deepEqual(await started, [runId, taskId]);
      const [loggedId, text] = await logged;
      assert.equal(loggedId, runId);
      assert.match(text, /^\S+ INFO {2}waiting\n$/);
      assert.deepEqual(await ended, [runId, 'succeeded']);
      assert.deepEqual(order, ['claimed', 'started', 'log', 'ended']);
      assert.equal((await t.ended(runId)).status, 'succeeded');
    });

    it('an occurrence the overlap policy "skip" skips emits skipped with its reason', async () => {
      const t = await open();
      const name = gateName('overlap-skip');
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { overlap: 'skip' },
      });
      const started = nextEvent(t.engine, 'started', (_, id) => id === taskId);
      await tick(t, MINUTE);
      const [firstId] = await started;
      const skipped = nextEvent(t.engine, 'skipped', (records) =>
        records.some((record) => record.taskId === taskId),
      );
      await tick(t, MINUTE);
      const [records] = await skipped;
      assert.equal(records.length, 1, JSON.stringify(records));
      assert.equal(records[0]?.reason, 'the previous run was still running');
      assert.notEqual(records[0]?.runId, firstId);
      const skippedRun = await t.services.store.runs.get(records[0]?.runId ?? '');
      assert.equal(skippedRun?.status, 'skipped');
      assert.equal(skippedRun?.scheduledFor?.getTime(), START + 2 * MINUTE);
      gate(name).open();
      assert.equal((await t.ended(firstId)).status, 'succeeded');
    });

    it('occurrences missed while no server ran emit missed under misfire "skip"', async () => {
      const t = await open({ engine: { misfireGraceMs: 1000 } });
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'noop' }],
        policy: { misfire: 'skip' },
      });
      await t.stopEngine();
      await t.clock.advance(10 * MINUTE);
      let missed: Promise<EngineEvents['missed']> | undefined;
      await t.restartEngine((engine) => {
        missed = nextEvent(engine, 'missed', (records) =>
          records.some((record) => record.taskId === taskId),
        );
      });
      assert.ok(missed);
      const [records] = await missed;
      assert.equal(records.length, 1, JSON.stringify(records));
      assert.match(records[0]?.reason ?? '', /^9 occurrences .*misfire policy "skip"/);
      const run = await t.services.store.runs.get(records[0]?.runId ?? '');
      assert.equal(run?.status, 'skipped');
      assert.equal(run?.scheduledFor?.getTime(), START + MINUTE);
    });

    it('a run another node took over emits lease-lost, taken-over', async () => {
      const t = await open();
      const name = gateName('taken-over');
      const taskId = await createTask(t, {
        enabled: false,
        jobs: [{ kind: 'wait', config: { gate: name } }],
      });
      const runId = await runManually(t, taskId);
      const live = await executing(t, runId);
      const lost = nextEvent(t.engine, 'lease-lost', (id) => id === runId);
      const decide = {
        fireTimes: new FireTimesCache(t.services.registry, t.services.holidays),
        misfireGraceMs: 60_000,
      };
      const recovery = expiredLeases(Number.MAX_SAFE_INTEGER);
      await sweepLeases(
        t.services.store,
        t.clock.now(),
        recovery,
        'another-node',
        decide,
        noticerOf(t),
      );
      await t.clock.advance(ENGINE_HEARTBEAT_MS);
      assert.deepEqual(await lost, [runId, 'taken-over']);
      await live.ended;
      assert.equal((await t.services.store.runs.get(runId))?.status, 'interrupted');
    });
  });
}
