// Every occurrence a trigger produced is accounted for by exactly one record, whatever the
// policies, downtimes, claim delays and crashed nodes: a property test over both stores with a
// fake clock. A record stands for `occurrences` consecutive occurrences from its scheduledFor.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { Claimer } from '../../src/engine/claimer.ts';
import { FireTimesCache } from '../../src/engine/fire-times-cache.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';

const MINUTE = 60_000;
const LEASE_MS = 30_000;

const step = fc.oneof(
  // The clock moves on with the engine claiming: a claim may find several due (a claim delay).
  fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 4 }) }),
  // No server runs for a while.
  fc.record({ kind: fc.constant('downtime' as const), minutes: fc.integer({ min: 1, max: 12 }) }),
  // Another node claims what is due and ahead, then dies: its leases expire unrenewed.
  fc.record({ kind: fc.constant('ghost' as const), aheadMs: fc.integer({ min: 0, max: 90_000 }) }),
  // The runs executing here end.
  fc.record({ kind: fc.constant('finish' as const) }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const scenario = fc.record({
  overlap: fc.constantFrom('skip', 'queue', 'parallel'),
  misfire: fc.constantFrom('once', 'all', 'skip'),
  misfireLimit: fc.integer({ min: 1, max: 4 }),
  retries: fc.integer({ min: 0, max: 1 }),
  graceMs: fc.constantFrom(0, 30_000, 90_000, 5 * MINUTE),
  steps: fc.array(step, { minLength: 1, maxLength: 8 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Lets the engine finish what the last step set off (claims, starts, ends). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 40));

async function apply(t: EngineApp, each: Step, ghosts: { count: number }): Promise<void> {
  if (each.kind === 'tick') {
    await t.clock.advance(each.minutes * MINUTE);
    t.engine.wake();
  } else if (each.kind === 'downtime') {
    await t.stopEngine();
    await t.clock.advance(each.minutes * MINUTE);
    await t.restartEngine();
  } else if (each.kind === 'ghost') {
    const now = t.clock.now();
    const lease = { node: 'ghost', token: `ghost-${++ghosts.count}`, expiresAt: now + LEASE_MS };
    const claimer = new Claimer(
      t.services.store,
      new FireTimesCache(t.services.registry, t.services.holidays),
      {
        batchSize: 100,
        misfireGraceMs: 60_000,
      },
    );
    await claimer.claim(now, now + each.aheadMs, lease, 10);
  } else {
    for (const run of t.engine.live.all()) run.stop('canceled');
  }
  await settle();
}

/** Every minute from `from` (one of them) up to, not including, `until`. */
function minutesBetween(from: number, until: number): number[] {
  const times: number[] = [];
  for (let at = from; at < until; at += MINUTE) times.push(at);
  return times;
}

for (const backend of await backends()) {
  describe(`occurrence accounting on ${backend.name}`, { skip: backend.skip }, () => {
    let current: EngineApp | undefined;
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    async function check(input: Scenario): Promise<void> {
      await current?.close();
      const t = await startEngineApp(backend, 'accounting', {
        engine: { misfireGraceMs: input.graceMs, leaseMs: LEASE_MS },
      });
      current = t;
      const created = await t.admin.post('/api/v1/tasks', {
        name: 'accounted',
        timezone: 'UTC',
        triggers: [
          {
            kind: 'time',
            config: {
              timezone: 'UTC',
              start: '2026-03-02T08:00',
              intervals: [{ kind: 'minutes', every: 1 }],
            },
          },
        ],
        // Runs until stopped: a "finish" step, a downtime, or a crash's sweep ends them.
        jobs: [{ kind: 'wait', config: {} }],
        policy: {
          overlap: input.overlap,
          misfire: input.misfire,
          misfireLimit: input.misfireLimit,
          retries: input.retries,
          retryBackoffSeconds: 1,
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const taskId: string = created.body.id;
      const store = t.services.store;
      const [initial] = await store.triggers.forTask(taskId);
      const firstFire = initial?.nextFireAt ?? 0;
      const ghosts = { count: 0 };
      for (const each of input.steps) await apply(t, each, ghosts);
      // Past every ghost's lease, so the sweep takes back what they held.
      await t.clock.advance(2 * LEASE_MS);
      t.engine.wake();
      await settle();
      await t.stopEngine();

      const [trigger] = await store.triggers.forTask(taskId);
      const runs = await store.runs.list({ scope: { kind: 'everyone' }, taskId, limit: 1000 });
      const covered = runs.items
        .filter((run) => run.cause === 'schedule')
        .flatMap((run) => {
          const from = run.scheduledFor?.getTime() ?? 0;
          return minutesBetween(from, from + run.occurrences * MINUTE);
        })
        .sort((a, b) => a - b);
      const produced = minutesBetween(firstFire, trigger?.nextFireAt ?? 0);
      assert.deepEqual(
        covered.map((at) => new Date(at).toISOString()),
        produced.map((at) => new Date(at).toISOString()),
        `each occurrence in exactly one record; records: ${JSON.stringify(
          runs.items.map((run) => [
            run.scheduledFor,
            run.status,
            run.occurrences,
            run.reason,
            run.node,
            run.queuedAt,
            run.attempt,
          ]),
        )}`,
      );
    }

    it('accounts for every occurrence once, under any policies, downtimes and crashes', async () => {
      await fc.assert(fc.asyncProperty(scenario, check), {
        numRuns: 25,
        seed: 1111,
        endOnFailure: true,
      });
    });
  });
}
