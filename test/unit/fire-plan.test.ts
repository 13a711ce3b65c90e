import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskPolicy } from '../../src/domain/task.ts';
import { planFires } from '../../src/engine/fire-plan.ts';
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

describe('planFires', () => {
  describe('on time', () => {
    for (const misfire of ['once', 'all', 'skip'] as const) {
      it(`${misfire}: runs the one due occurrence, with no note, and fires next a minute later`, () => {
        assert.deepEqual(planFires(T0, everyMinute, policy(misfire), T0 + 5_000, MINUTE), {
          run: [T0],
          note: null,
          skipped: null,
          nextFireAt: T0 + MINUTE,
        });
      });
    }

    it('a schedule without a later occurrence fires next never', () => {
      const plan = planFires(T0, everyMinuteUntil(T0), policy('all'), T0, MINUTE);
      assert.deepEqual(plan.run, [T0]);
      assert.equal(plan.nextFireAt, null);
    });
  });

  describe('misfire "once"', () => {
    it('runs once for all due occurrences, noting how many were due since when', () => {
      const now = T0 + 4 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('once'), now, MINUTE);
      assert.deepEqual(plan.run, [T0]);
      assert.equal(plan.skipped, null);
      assert.equal(
        plan.note,
        `5 occurrences were due since ${T0_ISO}; ran once (misfire policy "once")`,
      );
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE);
    });

    it('caps the count of a very long downtime', () => {
      const now = T0 + 20_000 * MINUTE;
      const plan = planFires(T0, everyMinute, policy('once'), now, MINUTE);
      assert.deepEqual(plan.run, [T0]);
      assert.match(plan.note ?? '', /^more than 10,000 occurrences were due since/);
    });
  });

  describe('misfire "all"', () => {
    it('runs each due occurrence, oldest first', () => {
      const now = T0 + 4 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('all'), now, MINUTE);
      assert.deepEqual(plan.run, minutes(0, 1, 2, 3, 4));
      assert.equal(plan.note, null);
      assert.equal(plan.skipped, null);
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE);
    });

    it('runs at most misfireLimit occurrences and notes that the rest were not run', () => {
      const now = T0 + 4 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('all', 3), now, MINUTE);
      assert.deepEqual(plan.run, minutes(0, 1, 2));
      assert.equal(
        plan.note,
        `more than 3 occurrences were due; the rest up to ${new Date(now).toISOString()} were not run (misfire limit)`,
      );
      assert.equal(plan.skipped, null);
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE, 'the dropped ones do not fire later');
    });

    it('exactly misfireLimit due occurrences all run without a note', () => {
      const plan = planFires(T0, everyMinute, policy('all', 3), T0 + 2 * MINUTE, MINUTE);
      assert.deepEqual(plan.run, minutes(0, 1, 2));
      assert.equal(plan.note, null);
      assert.equal(plan.nextFireAt, T0 + 3 * MINUTE);
    });
  });

  describe('misfire "skip"', () => {
    it('runs occurrences less than the grace late', () => {
      const plan = planFires(T0, everyMinute, policy('skip'), T0 + 30_000, MINUTE);
      assert.deepEqual(plan.run, [T0]);
      assert.equal(plan.skipped, null);
    });

    it('records the older ones as one skipped run with the reason, and runs the recent ones', () => {
      const now = T0 + 5 * MINUTE;
      const plan = planFires(T0, everyMinute, policy('skip'), now, 2.5 * MINUTE);
      assert.deepEqual(plan.skipped, {
        scheduledFor: T0,
        reason: `3 occurrences from ${T0_ISO} were missed while no server ran them (misfire policy "skip")`,
      });
      assert.deepEqual(plan.run, minutes(3, 4, 5));
      assert.equal(plan.note, null);
      assert.equal(plan.nextFireAt, T0 + 6 * MINUTE);
    });

    it('runs nothing when every due occurrence is beyond the grace', () => {
      const now = T0 + 5 * MINUTE + 30_000;
      const plan = planFires(T0, everyMinute, policy('skip'), now, 10_000);
      assert.equal(plan.skipped?.scheduledFor, T0);
      assert.match(plan.skipped?.reason ?? '', /^6 occurrences from /);
      assert.deepEqual(plan.run, []);
      assert.equal(plan.nextFireAt, T0 + 6 * MINUTE);
    });

    it('applies misfireLimit to the occurrences within the grace', () => {
      const plan = planFires(T0, everyMinute, policy('skip', 2), T0 + 4 * MINUTE, 10 * MINUTE);
      assert.equal(plan.skipped, null);
      assert.deepEqual(plan.run, minutes(0, 1));
      assert.match(plan.note ?? '', /^more than 2 occurrences were due/);
      assert.equal(plan.nextFireAt, T0 + 5 * MINUTE);
    });
  });

  it('always plans runs in order within [firstDue, now] and a next fire after now', () => {
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
      assert.ok(
        plan.run.every(
          (at, i) => at >= T0 && at <= now && (i === 0 || at > (plan.run[i - 1] ?? 0)),
        ),
        `ascending, due: ${label}`,
      );
      if (plan.skipped) assert.ok(plan.skipped.scheduledFor < (plan.run[0] ?? Infinity), label);
    }
  });
});
