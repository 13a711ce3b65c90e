// Leases across failures: a node cut off from its database stops its runs before its lease
// expires, a run another node took over is stopped here, a restarted node takes back at once what
// its predecessor under its name left, and what a dead node had claimed ahead is decided by the
// misfire policy like any due occurrence.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Claimer } from '../../src/engine/claimer.ts';
import { FireTimesCache } from '../../src/engine/fire-times-cache.ts';
import { expiredLeases, sweepLeases } from '../../src/engine/lease-sweeper.ts';
import { backends, type Backend } from '../support/backends.ts';
import { noticerOf, startEngineApp, type EngineApp } from '../support/engine-app.ts';
import {
  createTask,
  eventually,
  EVERY_MINUTE,
  executing,
  runManually,
  runsOf,
} from '../support/engine-runs.ts';
import { TEST_DATABASE_URL } from '../support/postgres.ts';
import { gate, received } from '../support/test-kinds.ts';

const LEASE_MS = 900;
const MINUTE = 60_000;
const START = Date.parse('2026-03-02T08:00:00Z');

/** Another node's claim under a lease of its own, which then never renews it (it died). */
async function claimAsDeadNode(t: EngineApp, node: string, aheadMs: number): Promise<void> {
  const now = t.clock.now();
  const lease = { node, token: `dead-${node}-${now}`, expiresAt: now + 30_000 };
  const claimer = new Claimer(
    t.services.store,
    new FireTimesCache(t.services.registry, t.services.holidays),
    {
      batchSize: 100,
      misfireGraceMs: 60_000,
    },
  );
  await claimer.claim(now, now + aheadMs, lease, 10);
}

/** Holds the database away from the engine until release() (a lock another client takes). */
async function cutOff(backend: Backend, t: EngineApp): Promise<() => Promise<void>> {
  const { location } = t.testStore;
  if (backend.name === 'sqlite') {
    const db = new Database(join(location.dataDir, 'taskplanner.db'));
    db.exec('begin exclusive');
    return async () => {
      db.exec('rollback');
      db.close();
    };
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`set search_path to ${location.schema ?? 'public'}`);
  await client.query('begin');
  await client.query('lock table runs in access exclusive mode');
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}

for (const backend of await backends()) {
  describe(`leases on ${backend.name}`, { skip: backend.skip }, () => {
    let current: EngineApp | undefined;
    const gates: string[] = [];
    afterEach(async () => {
      for (const name of gates.splice(0)) gate(name).open();
      await current?.close();
      current = undefined;
    });
    const open = async (engine: Record<string, unknown> = {}) =>
      (current = await startEngineApp(backend, 'leases', { engine }));

    /** A run executing here that waits on a gate the test keeps shut. */
    async function startWaitingRun(t: EngineApp, label: string, sink?: string) {
      const name = `leases-${label}-${backend.name}`;
      gates.push(name);
      // With a sink: a text job after the wait, and an action that records what it gets.
      const after = sink ? { jobs: [{ kind: 'text', config: {} }] } : { jobs: [] };
      const taskId = await createTask(t, {
        enabled: false,
        jobs: [{ kind: 'wait', config: { gate: name } }, ...after.jobs],
        actions: sink ? [{ kind: 'collect', config: { sink } }] : [],
      });
      const runId = await runManually(t, taskId);
      const live = await executing(t, runId);
      return { runId, live };
    }

    it('a node cut off from its database stops its runs before its lease expires', async () => {
      const t = await open({ leaseMs: LEASE_MS });
      const { live } = await startWaitingRun(t, 'cut-off');
      const release = await cutOff(backend, t);
      try {
        // Heartbeats come due on the engine's clock; the silence is measured in real time.
        for (let i = 0; i < 40 && !live.settled; i++) {
          await t.clock.advance(LEASE_MS / 3);
          await sleep(100);
        }
        // Its job ended with its gate shut; the end is written once the database is back.
        assert.equal(live.settled, true, 'the run was stopped');
        assert.match(live.log.text, /could not renew its lease for \d+ s/);
      } finally {
        await release();
      }
      await live.ended;
    });

    it('a run another node took over is stopped here: its signal fires, its actions never run', async () => {
      const t = await open();
      const sink = `taken-over-${backend.name}`;
      const { runId, live } = await startWaitingRun(t, 'taken-over', sink);
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
      const stopped = await Promise.race([live.ended.then(() => true), sleep(10_000, false)]);
      assert.ok(stopped, 'the run stopped here, its gate still shut');
      assert.match(live.log.text, /this server lost the run: its lease had expired/);
      assert.equal((await t.services.store.runs.get(runId))?.status, 'interrupted');
      // The wait job saw its signal abort; the rest of the run did nothing another node may repeat.
      assert.doesNotMatch(live.log.text, /done waiting/);
      gate(`leases-taken-over-${backend.name}`).open();
      await sleep(200);
      assert.equal(received.get(sink), undefined, 'the action after the job never ran');
    });

    it('a restarted node at once interrupts what its predecessor under its name left', async () => {
      const t = await open();
      await t.stopEngine();
      const taskId = await createTask(t, { triggers: [EVERY_MINUTE], jobs: [{ kind: 'noop' }] });
      await t.clock.advance(MINUTE);
      await claimAsDeadNode(t, 'test-node', 0);
      const [left] = await runsOf(t, taskId);
      assert.deepEqual([left?.status, left?.scheduledFor], ['running', '2026-03-02T08:01:00.000Z']);
      // Well within the dead process's lease: only its name tells that it is gone.
      await t.clock.advance(5_000);
      await t.restartEngine();
      const run = await t.services.store.runs.get(left?.id ?? '');
      assert.deepEqual(
        [run?.status, run?.reason],
        ['interrupted', 'the server running it restarted'],
      );
    });

    it('a run found interrupted long after its node died ends when its lease expired', async () => {
      const t = await open();
      await t.stopEngine();
      const taskId = await createTask(t, { triggers: [EVERY_MINUTE], jobs: [{ kind: 'noop' }] });
      await t.clock.advance(MINUTE);
      await claimAsDeadNode(t, 'another-node', 0);
      const [left] = await runsOf(t, taskId);
      await t.clock.advance(5 * MINUTE);
      await t.restartEngine();
      const run = await t.services.store.runs.get(left?.id ?? '');
      assert.equal(run?.status, 'interrupted');
      // The dead node's lease (30 s from its claim) ran out long before anyone looked.
      assert.equal(run?.finishedAt?.toISOString(), '2026-03-02T08:01:30.000Z');
      assert.match(
        (await t.services.store.runs.log(left?.id ?? '')) ?? '',
        // On SQLite the restarted server is alone, and every run it finds is its predecessor's.
        backend.name === 'sqlite'
          ? /ERROR interrupted: the server running it restarted; ended by 2026-03-02T08:01:30.000Z at the latest/
          : /ERROR interrupted: its lease expired: the server another-node stopped renewing it .*; ended by 2026-03-02T08:01:30.000Z at the latest/,
      );
    });

    it('what a dead node claimed ahead is skipped under misfire "skip" once later than the grace', async () => {
      const t = await open({ misfireGraceMs: 1_000 });
      await t.stopEngine();
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'noop' }],
        policy: { misfire: 'skip' },
      });
      await t.clock.advance(MINUTE - 1_000);
      await claimAsDeadNode(t, 'another-node', 2_000);
      const [reserved] = await runsOf(t, taskId);
      assert.deepEqual([reserved?.status, reserved?.scheduledFor], ['queued', minute(1)]);
      // Its lease (30 s) expires unrenewed; no server ran anything meanwhile.
      await t.clock.advance(40_000);
      await t.restartEngine();
      const [record] = await eventually('the occurrence decided again', async () => {
        const runs = await runsOf(t, taskId);
        return runs.some((run) => run.status !== 'queued') ? runs : undefined;
      });
      assert.deepEqual(
        [record?.scheduledFor, record?.status, record?.occurrences],
        [minute(1), 'skipped', 1],
      );
      assert.match(
        record?.reason ?? '',
        /^1 occurrence from .* was missed while no server ran it \(misfire policy "skip"\)$/,
      );
    });

    for (const edit of ['the job', 'the trigger', 'disabled'] as const) {
      it(`an occurrence claimed ahead follows an edit made before its time: ${edit}`, async () => {
        const t = await open();
        const body = {
          triggers: [{ id: 'every-minute', ...EVERY_MINUTE }],
          jobs: [{ id: 'say', kind: 'text', config: { text: 'old' } }],
        };
        const taskId = await createTask(t, body);
        await t.clock.advance(MINUTE - 1_500);
        t.engine.wake();
        const [reserved] = await eventually('the occurrence claimed ahead', async () => {
          const runs = await runsOf(t, taskId);
          return runs.length > 0 ? runs : undefined;
        });
        assert.deepEqual([reserved?.status, reserved?.scheduledFor], ['queued', minute(1)]);
        const changes = {
          'the job': { ...body, jobs: [{ id: 'say', kind: 'text', config: { text: 'new' } }] },
          'the trigger': {
            ...body,
            triggers: [
              {
                id: 'every-minute',
                ...EVERY_MINUTE,
                config: { ...EVERY_MINUTE.config, start: '2026-03-02T08:00:30' },
              },
            ],
          },
          disabled: { ...body, enabled: false },
        };
        const patched = await t.admin.patch(`/api/v1/tasks/${taskId}`, changes[edit], {
          'if-match': '*',
        });
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        const expected = {
          'the job': [[minute(1), 'new']],
          // The changed schedule fires on the half minute, first after the edit.
          'the trigger': [['2026-03-02T08:01:30.000Z', 'old']],
          disabled: [],
        }[edit];
        await t.clock.advance(45_000);
        t.engine.wake();
        await sleep(100);
        const seen = await eventually('the runs before 08:01:45 to end', async () => {
          const early = (await runsOf(t, taskId)).filter(
            (run) => Date.parse(run.scheduledFor ?? '') < START + 1.75 * MINUTE,
          );
          if (early.length !== expected.length) return undefined;
          const ended = await Promise.all(early.map((run) => t.ended(run.id)));
          return ended.map((run) => [
            run.scheduledFor?.toISOString(),
            run.results.map((result) => result.text).join(),
          ]);
        });
        assert.deepEqual(seen, expected);
      });
    }

    it('what a dead node claimed ahead counts toward misfireLimit under misfire "all"', async () => {
      const t = await open();
      await t.stopEngine();
      const taskId = await createTask(t, {
        triggers: [EVERY_MINUTE],
        jobs: [{ kind: 'noop' }],
        policy: { misfire: 'all', misfireLimit: 2, overlap: 'parallel' },
      });
      for (const reserveAt of [1, 2]) {
        await t.clock.advance(START + reserveAt * MINUTE - 1_000 - t.clock.now());
        await claimAsDeadNode(t, `dead-${reserveAt}`, 2_000);
      }
      assert.deepEqual(
        (await runsOf(t, taskId)).map((run) => [run.scheduledFor, run.status]),
        [
          [minute(1), 'queued'],
          [minute(2), 'queued'],
        ],
        'both reserved by nodes that then died',
      );
      await t.clock.advance(START + 5.5 * MINUTE - t.clock.now());
      await t.restartEngine();
      const runs = await eventually('the occurrences decided again', async () => {
        const all = await runsOf(t, taskId);
        return all.length === 3 && all.every((run) => run.status !== 'queued') ? all : undefined;
      });
      const ended = await Promise.all(runs.map((run) => t.ended(run.id)));
      assert.deepEqual(
        ended.map((run) => [run.scheduledFor?.toISOString(), run.status, run.occurrences]).sort(),
        [
          [minute(1), 'succeeded', 1],
          [minute(2), 'succeeded', 1],
          [minute(3), 'skipped', 3],
        ],
      );
    });
  });
}

/** A heartbeat of the default lease (30 s) comes every 10 s. */
const ENGINE_HEARTBEAT_MS = 10_000;

function minute(minutes: number): string {
  return new Date(START + minutes * MINUTE).toISOString();
}
