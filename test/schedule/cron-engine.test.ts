import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cron } from 'croner';
import fc from 'fast-check';
import { nextOccurrences } from '../../src/schedule/occurrences.ts';

/** One field in the plain syntax: *, a value, a list, a range, or a step. */
function field(min: number, max: number): fc.Arbitrary<string> {
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant('*'),
    value.map(String),
    fc
      .uniqueArray(value, { minLength: 2, maxLength: 4 })
      .map((values) => values.sort((a, b) => a - b).join(',')),
    fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc
      .integer({ min: 2, max: Math.max(2, Math.floor((max - min) / 2)) })
      .map((step) => `*/${step}`),
  );
}

const expression = fc
  .tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6))
  .map((fields) => fields.join(' '));

describe('cron on our calendar rules', () => {
  it('fires exactly when croner does, where no daylight-saving change intervenes (UTC)', () => {
    fc.assert(
      fc.property(expression, fc.integer({ min: 0, max: 3 * 365 }), (cron, dayOffset) => {
        const after = new Date(Date.UTC(2026, 0, 1) + dayOffset * 86_400_000);
        const job = new Cron(cron, { timezone: 'UTC', paused: true });
        const expected: string[] = [];
        for (let at: Date | null = after; expected.length < 25 && at;) {
          at = job.nextRun(at);
          if (at) expected.push(at.toISOString());
        }
        const schedule = {
          timezone: 'UTC',
          start: '2026-01-01T00:00',
          intervals: [{ kind: 'cron', expression: cron }],
        };
        const ours = nextOccurrences(schedule, after, 25, 'UTC').map((date) => date.toISOString());
        assert.deepEqual(ours, expected, cron);
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
