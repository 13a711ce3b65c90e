import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/processes.ts';

/** The command needs no data folder or database: it only computes. */
const next = (...args: string[]) => runCli(['schedule', 'next', ...args], {});

describe('taskplanner schedule next', () => {
  it('prints the next occurrences of an RRULE with the zone’s offsets, the start included', async () => {
    const result = await next(
      '--rrule',
      'FREQ=DAILY',
      '--start',
      '2026-03-27T02:30:00',
      '--tz',
      'Europe/Berlin',
      '--count',
      '4',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      '2026-03-27T02:30:00+01:00',
      '2026-03-28T02:30:00+01:00',
      '2026-03-29T03:30:00+02:00',
      '2026-03-30T02:30:00+02:00',
    ]);
  });

  it('prints ten cron occurrences strictly after --after by default', async () => {
    const result = await next(
      '--cron',
      '0 9 * * 1-5',
      '--start',
      '2026-01-01T00:00:00',
      '--tz',
      'America/New_York',
      '--after',
      '2026-03-06T14:00:00Z',
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 10);
    assert.equal(lines[0], '2026-03-09T09:00:00-04:00', 'the 6th at 09:00 EST is not after 14:00Z');
  });

  it('takes a whole schedule object as JSON', async () => {
    const schedule = {
      start: '2026-01-05T09:00',
      timezone: 'Europe/Berlin',
      intervals: [{ kind: 'weeks', every: 2, weekdays: ['MO', 'WE'] }],
    };
    const result = await next('--schedule', JSON.stringify(schedule), '--count', '3');
    assert.deepEqual(result.stdout.trim().split('\n'), [
      '2026-01-05T09:00:00+01:00',
      '2026-01-07T09:00:00+01:00',
      '2026-01-19T09:00:00+01:00',
    ]);
  });

  it('exits with code 2 and one line for an invalid schedule', async () => {
    const cases = [
      ['--cron', '99 * * * *', '--start', '2026-01-01T00:00:00', '--tz', 'UTC'],
      ['--rrule', 'FREQ=DAILY', '--start', '2026-01-01T00:00:00', '--tz', 'Mars/Olympus'],
      ['--rrule', 'FREQ=SOMETIMES', '--start', '2026-01-01T00:00:00', '--tz', 'UTC'],
      ['--schedule', '{not json'],
      [
        '--rrule',
        'FREQ=DAILY',
        '--cron',
        '* * * * *',
        '--start',
        '2026-01-01T00:00:00',
        '--tz',
        'UTC',
      ],
    ];
    for (const args of cases) {
      const result = await next(...args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^Invalid (schedule|arguments): /);
    }
  });

  it('exits with code 2 and one line for a schedule that needs too much work', async () => {
    const schedule = {
      start: '2026-01-01T00:00',
      timezone: 'UTC',
      intervals: Array.from({ length: 50 }, () => ({
        kind: 'rrule',
        rrule: 'FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30',
      })),
    };
    const result = await next('--schedule', JSON.stringify(schedule));
    assert.equal(result.code, 2, result.stdout);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr.trim(),
      'Schedule too complex: This schedule needs too much work to compute; it may never fire: simplify it',
    );
  });
});
