import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/errors.ts';
import { nextOccurrences } from '../../src/schedule/occurrences.ts';

const schedule = (rrule: string) => ({
  timezone: 'UTC',
  start: '2026-01-01T09:00',
  intervals: [{ kind: 'rrule', rrule }],
});

describe('RRULE parts', () => {
  it('refuses parts RFC 5545 forbids for the frequency, or values that are not real, saying which', () => {
    const cases: Array<[string, RegExp]> = [
      ['FREQ=WEEKLY;BYMONTHDAY=1', /BYMONTHDAY cannot be used with FREQ=WEEKLY/],
      ['FREQ=WEEKLY;BYDAY=1MO', /BYDAY with a number/],
      ['FREQ=DAILY;BYWEEKNO=20', /BYWEEKNO cannot be used with FREQ=DAILY/],
      ['FREQ=MONTHLY;BYYEARDAY=100', /BYYEARDAY cannot be used with FREQ=MONTHLY/],
      ['FREQ=MONTHLY;BYDAY=6MO', /at most 5/],
      ['FREQ=DAILY;UNTIL=20261399', /UNTIL=20261399 is not a date/],
      ['FREQ=DAILY;COUNT=1001', /COUNT=1001 is not valid/],
      ['FREQ=DAILY;INTERVAL=abc', /INTERVAL=ABC is not valid/],
      ['FREQ=DAILY;FREQ=WEEKLY', /FREQ appears twice/],
    ];
    for (const [rrule, message] of cases) {
      assert.throws(
        () => nextOccurrences(schedule(rrule), null, 1, 'UTC'),
        (error: unknown) =>
          error instanceof AppError &&
          error.issues[0]?.path === '/intervals/0/rrule' &&
          message.test(error.issues[0].message),
        rrule,
      );
    }
  });

  it('accepts a trailing semicolon and RRULE: prefix, as calendar programs write them', () => {
    const dates = nextOccurrences(schedule('RRULE:FREQ=DAILY;COUNT=2;'), null, 5, 'UTC');
    assert.deepEqual(
      dates.map((date) => date.toISOString()),
      ['2026-01-01T09:00:00.000Z', '2026-01-02T09:00:00.000Z'],
    );
  });

  it('accepts the forms RFC 5545 allows: ordinals in monthly and yearly rules, BYWEEKNO in yearly ones', () => {
    assert.equal(
      nextOccurrences(schedule('FREQ=MONTHLY;BYDAY=-1FR'), null, 1, 'UTC')[0]?.toISOString(),
      '2026-01-30T09:00:00.000Z',
    );
    assert.equal(
      nextOccurrences(
        schedule('FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO'),
        null,
        1,
        'UTC',
      )[0]?.toISOString(),
      '2026-05-11T09:00:00.000Z',
    );
  });
});
