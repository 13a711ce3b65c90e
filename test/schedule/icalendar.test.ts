import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { AppError } from '../../src/domain/errors.ts';
import { scheduleFromRRule } from '../../src/schedule/from-rrule.ts';
import { toICalendar } from '../../src/schedule/icalendar.ts';
import { nextOccurrences } from '../../src/schedule/occurrences.ts';

/** Every instant the VEVENTs describe, as a calendar program would read them (rrule-temporal's ICS parser). */
function instantsOfCalendar(icalendar: string, until: number): number[] {
  const events = icalendar
    .split('BEGIN:VEVENT')
    .slice(1)
    .map((chunk) => chunk.split('END:VEVENT')[0] ?? '');
  const found = new Set<number>();
  for (const event of events) {
    const lines = event.split('\r\n').filter((line) => /^(DTSTART|RRULE|EXDATE)/.test(line));
    const dtstart = lines.find((line) => line.startsWith('DTSTART')) ?? '';
    if (!lines.some((line) => line.startsWith('RRULE'))) {
      const [, zone, stamp] = /TZID=([^:]+):(\d{8}T\d{6})/.exec(dtstart) ?? [];
      const iso = `${stamp?.slice(0, 4)}-${stamp?.slice(4, 6)}-${stamp?.slice(6, 8)}T${stamp?.slice(9, 11)}:${stamp?.slice(11, 13)}:${stamp?.slice(13, 15)}`;
      found.add(Temporal.PlainDateTime.from(iso).toZonedDateTime(zone ?? 'UTC').epochMilliseconds);
      continue;
    }
    const rule = new RRuleTemporal({ rruleString: lines.join('\n'), temporal: Temporal });
    for (const instant of rule.between(new Date(0), new Date(until), true))
      found.add(instant.epochMilliseconds);
  }
  return [...found].sort((a, b) => a - b);
}

const cases: Array<[string, Record<string, unknown>]> = [
  [
    'every 2 weeks on Monday and Wednesday',
    { intervals: [{ kind: 'weeks', every: 2, weekdays: ['MO', 'WE'], times: ['09:00'] }] },
  ],
  [
    'monthly on the 1st and the last Friday, twice a day',
    {
      intervals: [
        {
          kind: 'months',
          days: [1],
          weekdays: [{ weekday: 'FR', nth: -1 }],
          times: ['06:00', '18:30'],
        },
      ],
    },
  ],
  [
    'weekdays every 2 hours from 08:00 to 12:00',
    {
      intervals: [
        {
          kind: 'weeks',
          weekdays: ['MO', 'TU', 'WE', 'TH', 'FR'],
          repeat: { every: 2, unit: 'hours', from: '08:00', until: '12:00' },
        },
      ],
    },
  ],
  [
    'every 3 days at two unrelated times',
    { intervals: [{ kind: 'days', every: 3, times: ['07:15', '19:40'] }] },
  ],
  [
    'yearly on the 15th of the start’s month (BYMONTH made explicit)',
    { intervals: [{ kind: 'years', days: [15] }] },
  ],
  [
    'yearly on the first Monday of the start’s month',
    { intervals: [{ kind: 'years', weekdays: [{ weekday: 'MO', nth: 1 }] }] },
  ],
  [
    'yearly on 15 March and once',
    {
      intervals: [
        { kind: 'years', months: [3], days: [15] },
        { kind: 'once', at: '2026-08-01T10:00' },
      ],
    },
  ],
  [
    'with an end and excluded dates',
    {
      end: '2026-05-31T23:59',
      exclude: ['2026-01-12', { from: '2026-04-01', to: '2026-04-10' }],
      intervals: [{ kind: 'weeks', weekdays: ['MO'], times: ['09:00'] }],
    },
  ],
];

describe('toICalendar', () => {
  for (const [name, parts] of cases) {
    it(`expresses "${name}" so a calendar program finds the same instants`, () => {
      const schedule = { timezone: 'Europe/Berlin', start: '2026-01-01T09:00', ...parts };
      const until = Date.parse('2026-12-31T00:00:00Z');
      const ours = nextOccurrences(schedule, null, 1000, 'UTC')
        .map((date) => date.getTime())
        .filter((ms) => ms <= until);
      const { icalendar, omitted } = toICalendar(schedule, 'UTC');
      assert.deepEqual(omitted, []);
      assert.match(icalendar, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
      assert.deepEqual(instantsOfCalendar(icalendar, until), ours);
    });
  }

  it('escapes the summary and folds long lines, so no text can start a property', () => {
    const schedule = { timezone: 'UTC', start: '2026-01-01T09:00', intervals: [{ kind: 'days' }] };
    const { icalendar } = toICalendar(
      schedule,
      'UTC',
      `Report; a, b\nATTENDEE:evil ${'x'.repeat(100)}`,
    );
    const lines = icalendar.split('\r\n');
    assert.ok(!lines.some((line) => line.startsWith('ATTENDEE')));
    assert.ok(lines.every((line) => Buffer.byteLength(line) <= 75));
    const unfolded = icalendar.replace(/\r\n /g, '');
    assert.match(unfolded, /SUMMARY:Report\\; a\\, b\\nATTENDEE:evil x{100}\r\n/);
  });

  it('reports a cron interval it cannot express, and keeps the rest', () => {
    const schedule = {
      timezone: 'UTC',
      start: '2026-01-01T00:00',
      intervals: [
        { kind: 'cron', expression: '0 9 * * 1-5' },
        { kind: 'days', times: ['12:00'] },
      ],
    };
    const { icalendar, omitted } = toICalendar(schedule, 'UTC');
    assert.deepEqual(omitted, ['intervals/0: cron 0 9 * * 1-5 has no RRULE form']);
    assert.equal(icalendar.match(/BEGIN:VEVENT/g)?.length, 1);
    assert.match(icalendar, /RRULE:FREQ=DAILY\r\n/);
  });
});

describe('scheduleFromRRule', () => {
  it('reads DTSTART with a zone and an RRULE from iCalendar lines', () => {
    const schedule = scheduleFromRRule(
      'DTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3',
      { timezone: 'UTC' },
    );
    assert.deepEqual(schedule, {
      timezone: 'Europe/Berlin',
      start: '2026-01-05T09:00:00',
      intervals: [{ kind: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' }],
    });
    const dates = nextOccurrences(schedule, null, 10, 'UTC').map((date) => date.toISOString());
    assert.deepEqual(dates, [
      '2026-01-05T08:00:00.000Z',
      '2026-01-12T08:00:00.000Z',
      '2026-01-19T08:00:00.000Z',
    ]);
  });

  it('takes a bare RRULE with the start and zone given', () => {
    const schedule = scheduleFromRRule('RRULE:FREQ=DAILY;INTERVAL=2', {
      timezone: 'America/New_York',
      start: '2026-03-01T06:00',
    });
    assert.equal(schedule.timezone, 'America/New_York');
    assert.equal(
      nextOccurrences(schedule, null, 1, 'UTC')[0]?.toISOString(),
      '2026-03-01T11:00:00.000Z',
    );
  });

  it('refuses what it cannot read exactly, naming the field', () => {
    const cases: Array<[string, string]> = [
      ['DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY\nEXDATE:20260106T090000Z', '/rrule'],
      ['DTSTART:20260105T090000Z', '/rrule'],
      ['RRULE:FREQ=DAILY', '/start'],
      ['DTSTART:20260105T090000Z\nRRULE:FREQ=SOMETIMES', '/intervals/0/rrule'],
    ];
    for (const [text, path] of cases) {
      assert.throws(
        () => scheduleFromRRule(text, { timezone: 'UTC' }),
        (error: unknown) => error instanceof AppError && error.issues[0]?.path === path,
        text,
      );
    }
  });
});
