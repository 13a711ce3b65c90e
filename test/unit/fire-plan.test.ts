import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskPolicy } from '../../src/domain/task.ts';
import { planFires, type FirePlan } from '../../src/engine/fire-plan.ts';
import type { FireTimes } from '../../src/plugins/component-kind.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const T0_ISO = '2026-03-02T08:00:00.000Z';

/** Every minute on the minute, strictly after the given time. */
const everyMinute: FireTimes = (after) => (Math.floor(after / MINUTE) + 1) * MINUTE;

/** Every minute, ending at (and including) the given time. */
const everyMinuteUntil =
  (end: number): FireTimes =>
  (after) => {
    const next = everyMinute(after);
    return next === null || next > end ? null : next;
  };

/** The minutes from T0. */
const minutes = (...offsets: number[]) => offsets.map((offset) => T0 + offset * MINUTE);

function policy(
  misfire: TaskPolicy['misfire'],
  misfireLimit = 100,
): Pick<TaskPolicy, 'misfire' | 'misfireLimit'> {
  return { misfire, misfireLimit };
}

/** When the plan's runs are, oldest first. */
const runAt = (plan: FirePlan) => plan.run.map((span) => span.at);

/** The count occurrences from at (those up to until at most). */
function expand(next: FireTimes, at: number, count: number, until = Infinity): number[] {
  const times: number[] = [];
  for (let t: number | null = at; t !== null && t <= until && times.length < count; t = next(t))
    times.push(t);
  return times;
}

describe('planFires', () => {
  describe('on time', () => {
    for (const misfire of ['once', 'all', 'skip'] as const) {
      it(`${misfire}: runs the one due occurrence, with no note, and fires next a minute later`, () => {
        assert.deepEqual(planFires(T0, everyMinute, policy(misfire), T0 + 5_000, MINUTE), {
          run: [{ at: T0, count: 1, note: null }],
          skipped: [],
          nextFireAt: T0 + MINUTE,
        });
      });
    }

    it('a schedule without a later occurrence fires next never', () => {
      const plan = planFires(T0, everyMinuteUntil(T0), policy('all'), T0, MINUTE);
      assert.deepEqual(runAt(plan), [T0]);
      assert.equal(plan.nextFireAt, null);
    });
  });

  describe('misfire "once"', () => {
    it('runs once for all due occurrences, noting how many were due since when', () => {
      const now = T0 + 4 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('once'), now, MINUTE);
      assert.deepEqual(plan.run, [
        {
          at: T0,
          count: 5,
          note: `5 occurrences were due since ${T0_ISO}; ran once (misfire policy "once")`,
        },
      ]);
      assert.deepEqual(plan.skipped, []);
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE);
    });

    it('caps the count of a very long downtime', () => {
      const now = T0 + 20_000 * MINUTE;
      const plan = planFires(T0, everyMinute, policy('once'), now, MINUTE);
      assert.deepEqual(runAt(plan), [T0]);
      assert.equal(plan.run[0]?.count, 10_001);
      assert.match(plan.run[0]?.note ?? '', /^more than 10,000 occurrences were due since/);
    });
  });

  describe('misfire "all"', () => {
    it('runs each due occurrence, oldest first', () => {
      const now = T0 + 4 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('all'), now, MINUTE);
      assert.deepEqual(runAt(plan), minutes(0, 1, 2, 3, 4));
      assert.ok(plan.run.every((span) => span.count === 1 && span.note === null));
      assert.deepEqual(plan.skipped, []);
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE);
    });

    it('runs at most misfireLimit occurrences and records the rest as one skipped run', () => {
      const now = T0 + 4 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('all', 3), now, MINUTE);
      assert.deepEqual(runAt(plan), minutes(0, 1, 2));
      assert.deepEqual(plan.skipped, [
        {
          at: T0 + 3 * MINUTE,
          count: 2,
          reasonCode: 'misfire-limit',
          reason:
            '2 occurrences from 2026-03-02T08:03:00.000Z to 2026-03-02T08:04:00.000Z were not run: of the occurrences due at once, only the first 3 run (misfire limit)',
        },
      ]);
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE, 'the dropped ones do not fire later');
    });

    it('exactly misfireLimit due occurrences all run without a note', () => {
      const plan = planFires(T0, everyMinute, policy('all', 3), T0 + 2 * MINUTE, MINUTE);
      assert.deepEqual(runAt(plan), minutes(0, 1, 2));
      assert.deepEqual(plan.skipped, []);
      assert.equal(plan.nextFireAt, T0 + 3 * MINUTE);
    });
  });

  describe('misfire "skip"', () => {
    it('runs occurrences less than the grace late', () => {
      const plan = planFires(T0, everyMinute, policy('skip'), T0 + 30_000, MINUTE);
      assert.deepEqual(runAt(plan), [T0]);
      assert.deepEqual(plan.skipped, []);
    });

    it('records the older ones as one skipped run with the reason, and runs the recent ones', () => {
      const now = T0 + 5 * MINUTE;
      const plan = planFires(T0, everyMinute, policy('skip'), now, 2.5 * MINUTE);
      assert.deepEqual(plan.skipped, [
        {
          at: T0,
          count: 3,
          reasonCode: 'missed-while-down',
          reason: `3 occurrences from ${T0_ISO} were missed while no server ran them (misfire policy "skip")`,
        },
      ]);
      assert.deepEqual(runAt(plan), minutes(3, 4, 5));
      assert.equal(plan.nextFireAt, T0 + 6 * MINUTE);
    });

    it('runs nothing when every due occurrence is beyond the grace', () => {
      const now = T0 + 5 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('skip'), now, 10_000);
      assert.equal(plan.skipped[0]?.at, T0);
      assert.equal(plan.skipped[0]?.count, 6);
      assert.match(plan.skipped[0]?.reason ?? '', /^6 occurrences from /);
      assert.deepEqual(plan.run, []);
      assert.equal(plan.nextFireAt, T0 + 6 * MINUTE);
    });

    it('applies misfireLimit to the occurrences within the grace', () => {
      const plan = planFires(T0, everyMinute, policy('skip', 2), T0 + 4 * MINUTE, 10 * MINUTE);
      assert.deepEqual(runAt(plan), minutes(0, 1));
      assert.deepEqual(
        plan.skipped.map(({ at, count }) => [at, count]),
        [[T0 + 2 * MINUTE, 3]],
      );
      assert.match(
        plan.skipped[0]?.reason ?? '',
        /: of the occurrences due at once, only the first 2 run \(misfire limit\)$/,
      );
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE);
    });
  });

  it('accounts for every due occurrence exactly once, in order, and fires next after now', () => {
    const cases = [];
    for (const misfire of ['once', 'all', 'skip'] as const)
      for (const limit of [1, 3, 100])
        for (const late of [0, 1, 59_999, MINUTE, 2.5 * MINUTE, 7 * MINUTE, 300 * MINUTE])
          for (const grace of [0, 30_000, MINUTE, 10 * MINUTE])
            for (const next of [everyMinute, everyMinuteUntil(T0 + 3 * MINUTE)])
              cases.push({ misfire, limit, now: T0 + late, grace, next });
    for (const { misfire, limit, now, grace, next } of cases) {
      const label = JSON.stringify({ misfire, limit, late: now - T0, grace });
      const plan = planFires(T0, next, policy(misfire, limit), now, grace);
      assert.ok(plan.nextFireAt === null || plan.nextFireAt > now, `next after now: ${label}`);
      assert.ok(plan.run.length <= limit, `within the limit: ${label}`);
      const spans = [...plan.run, ...plan.skipped].sort((a, b) => a.at - b.at);
      const covered = spans.flatMap((span) => expand(next, span.at, span.count));
      assert.deepEqual(covered, expand(next, T0, Infinity, now), `each due one once: ${label}`);
      assert.ok(
        plan.run.every((span, i) => i === 0 || span.at > (plan.run[i - 1]?.at ?? 0)),
        `ascending: ${label}`,
      );
    }
  });
});
