/**
 * Daylight-saving behaviour of schedules, zone by zone, around both 2026 transitions.
 *
 * The rules (ARCHITECTURE.md, "Time semantics"):
 * - a local time in a spring-forward gap fires at the instant the offset before the gap gives
 *   (02:30 in a 02:00-03:00 gap fires at 03:30), as Temporal's 'compatible' disambiguation does;
 * - a local time that occurs twice (fall back) fires once, at its first occurrence;
 * - every N minutes/hours is elapsed time: the spacing holds, both copies of a repeated hour fire;
 * - days, weeks, months, years, cron and RRULE keep wall-clock time, with the two rules above;
 *   an instant produced twice (a shifted gap time that equals a real later time) fires once.
 *
 * Every expected instant below was worked out by hand from the transitions, and the transitions
 * themselves are checked against Temporal's time zone data first, so the tables rest on facts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { hasFutureOccurrence, nextOccurrences } from '../../src/schedule/occurrences.ts';
import { formatInZone } from '../../src/schedule/zone.ts';

type Interval = Record<string, unknown> & { kind: string };

interface Case {
  /** What the case shows, e.g. 'daily at 02:30 (in the gap)'. */
  name: string;
  /** The schedule's start, wall-clock time in the zone. */
  start: string;
  interval: Interval;
  /** Ask for occurrences after this instant (ISO with offset); default: from the start. */
  after?: string;
  /** How many to ask for; when more than expected, the schedule must end there. */
  count?: number;
  /** Instants as formatInZone gives them in the zone. */
  expected: string[];
}

interface Transition {
  title: string;
  /** The first instant of the new offset, as formatInZone gives it; null for a zone without DST. */
  at: string | null;
  /** The offset just before the change. */
  offsetBefore: string | null;
  cases: Case[];
}

interface Zone {
  zone: string;
  transitions: Transition[];
}

const DEFAULT_ZONE = 'UTC';

const daily = (start: string, expected: string[], name: string): Case => ({
  name: `daily ${name}`,
  start,
  interval: { kind: 'days' },
  expected,
});

const ZONES: Zone[] = [
  {
    zone: 'America/New_York',
    transitions: [
      {
        title: 'spring forward, 2026-03-08 02:00 -05:00 → 03:00 -04:00',
        at: '2026-03-08T03:00:00-04:00',
        offsetBefore: '-05:00',
        cases: [
          daily(
            '2026-03-07T02:30',
            ['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00'],
            'at 02:30 (in the gap): shifted to 03:30 on the transition day only',
          ),
          {
            name: 'every 30 minutes: no 02:xx, spacing kept',
            start: '2026-03-08T01:00',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-03-08T01:00:00-05:00',
              '2026-03-08T01:30:00-05:00',
              '2026-03-08T03:00:00-04:00',
              '2026-03-08T03:30:00-04:00',
            ],
          },
          {
            name: 'every 1 hour: 01:30 is followed by 03:30, one hour later',
            start: '2026-03-08T00:30',
            interval: { kind: 'hours', every: 1 },
            expected: [
              '2026-03-08T00:30:00-05:00',
              '2026-03-08T01:30:00-05:00',
              '2026-03-08T03:30:00-04:00',
              '2026-03-08T04:30:00-04:00',
            ],
          },
          {
            name: 'weekly on Sundays at 02:30 (in the gap)',
            start: '2026-03-01T02:30',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-03-01T02:30:00-05:00',
              '2026-03-08T03:30:00-04:00',
              '2026-03-15T02:30:00-04:00',
            ],
          },
          {
            name: 'monthly on the 8th at 02:30 (in the gap)',
            start: '2026-02-08T02:30',
            interval: { kind: 'months' },
            expected: [
              '2026-02-08T02:30:00-05:00',
              '2026-03-08T03:30:00-04:00',
              '2026-04-08T02:30:00-04:00',
            ],
          },
          {
            name: "cron '30 2 * * *' (in the gap)",
            start: '2026-03-07T00:00',
            interval: { kind: 'cron', expression: '30 2 * * *' },
            expected: [
              '2026-03-07T02:30:00-05:00',
              '2026-03-08T03:30:00-04:00',
              '2026-03-09T02:30:00-04:00',
            ],
          },
          {
            name: "cron '0 * * * *': 02:00 shifts onto 03:00, which fires once",
            start: '2026-03-08T01:00',
            interval: { kind: 'cron', expression: '0 * * * *' },
            expected: [
              '2026-03-08T01:00:00-05:00',
              '2026-03-08T03:00:00-04:00',
              '2026-03-08T04:00:00-04:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=3 with DTSTART 02:30 in the gap',
            start: '2026-03-08T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=3' },
            count: 5,
            expected: [
              '2026-03-08T03:30:00-04:00',
              '2026-03-09T02:30:00-04:00',
              '2026-03-10T02:30:00-04:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2: the shifted instance counts',
            start: '2026-03-07T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00'],
          },
        ],
      },
      {
        title: 'fall back, 2026-11-01 02:00 -04:00 → 01:00 -05:00',
        at: '2026-11-01T01:00:00-05:00',
        offsetBefore: '-04:00',
        cases: [
          daily(
            '2026-10-31T01:30',
            ['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
            'at 01:30 (repeated): once, at the first 01:30',
          ),
          {
            name: 'daily at 01:30, asked from inside the second 01:xx: the next day',
            start: '2026-10-31T01:30',
            interval: { kind: 'days' },
            after: '2026-11-01T01:15:00-05:00',
            count: 1,
            expected: ['2026-11-02T01:30:00-05:00'],
          },
          {
            name: 'every 30 minutes: both copies of 01:00 and 01:30 fire',
            start: '2026-11-01T00:30',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-11-01T00:30:00-04:00',
              '2026-11-01T01:00:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-11-01T01:00:00-05:00',
              '2026-11-01T01:30:00-05:00',
              '2026-11-01T02:00:00-05:00',
            ],
          },
          {
            name: 'every 30 minutes, asked from inside the second 01:xx',
            start: '2026-11-01T00:30',
            interval: { kind: 'minutes', every: 30 },
            after: '2026-11-01T01:10:00-05:00',
            expected: ['2026-11-01T01:30:00-05:00', '2026-11-01T02:00:00-05:00'],
          },
          {
            name: 'every 1 hour: 01:30 fires twice',
            start: '2026-11-01T00:30',
            interval: { kind: 'hours' },
            expected: [
              '2026-11-01T00:30:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-11-01T01:30:00-05:00',
              '2026-11-01T02:30:00-05:00',
            ],
          },
          {
            name: 'weekly on Sundays at 01:30 (repeated)',
            start: '2026-10-25T01:30',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-10-25T01:30:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-11-08T01:30:00-05:00',
            ],
          },
          {
            name: 'monthly on the 1st at 01:30 (repeated)',
            start: '2026-10-01T01:30',
            interval: { kind: 'months' },
            expected: [
              '2026-10-01T01:30:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-12-01T01:30:00-05:00',
            ],
          },
          {
            name: "cron '30 1 * * *' (repeated)",
            start: '2026-10-31T00:00',
            interval: { kind: 'cron', expression: '30 1 * * *' },
            expected: [
              '2026-10-31T01:30:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-11-02T01:30:00-05:00',
            ],
          },
          {
            name: "cron '*/30 * * * *': the repeated 01:00 and 01:30 fire once",
            start: '2026-11-01T00:30',
            interval: { kind: 'cron', expression: '*/30 * * * *' },
            expected: [
              '2026-11-01T00:30:00-04:00',
              '2026-11-01T01:00:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-11-01T02:00:00-05:00',
            ],
          },
          {
            name: "cron '*/30 * * * *', asked from inside the second 01:xx: 02:00",
            start: '2026-11-01T00:30',
            interval: { kind: 'cron', expression: '*/30 * * * *' },
            after: '2026-11-01T01:10:00-05:00',
            count: 1,
            expected: ['2026-11-01T02:00:00-05:00'],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2 with DTSTART 01:30 (repeated)',
            start: '2026-11-01T01:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
          },
          {
            name: 'rrule FREQ=HOURLY;COUNT=4: the repeated 01:30 counts once',
            start: '2026-11-01T00:30',
            interval: { kind: 'rrule', rrule: 'FREQ=HOURLY;COUNT=4' },
            count: 6,
            expected: [
              '2026-11-01T00:30:00-04:00',
              '2026-11-01T01:30:00-04:00',
              '2026-11-01T02:30:00-05:00',
              '2026-11-01T03:30:00-05:00',
            ],
          },
        ],
      },
    ],
  },
  {
    zone: 'Europe/Berlin',
    transitions: [
      {
        title: 'spring forward, 2026-03-29 02:00 +01:00 → 03:00 +02:00',
        at: '2026-03-29T03:00:00+02:00',
        offsetBefore: '+01:00',
        cases: [
          daily(
            '2026-03-28T02:30',
            ['2026-03-28T02:30:00+01:00', '2026-03-29T03:30:00+02:00', '2026-03-30T02:30:00+02:00'],
            'at 02:30 (in the gap)',
          ),
          {
            name: 'daily at 02:30, 03:00, 03:15 and 03:30: the shifted 02:30 and 03:30 fire once',
            start: '2026-03-29T00:00',
            interval: { kind: 'days', times: ['02:30', '03:00', '03:15', '03:30'] },
            expected: [
              '2026-03-29T03:00:00+02:00',
              '2026-03-29T03:15:00+02:00',
              '2026-03-29T03:30:00+02:00',
              '2026-03-30T02:30:00+02:00',
            ],
          },
          {
            name: 'every 30 minutes',
            start: '2026-03-29T01:00',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-03-29T01:00:00+01:00',
              '2026-03-29T01:30:00+01:00',
              '2026-03-29T03:00:00+02:00',
              '2026-03-29T03:30:00+02:00',
            ],
          },
          {
            name: 'every 1 hour',
            start: '2026-03-29T00:30',
            interval: { kind: 'hours' },
            expected: [
              '2026-03-29T00:30:00+01:00',
              '2026-03-29T01:30:00+01:00',
              '2026-03-29T03:30:00+02:00',
              '2026-03-29T04:30:00+02:00',
            ],
          },
          {
            name: 'weekly on Sundays at 02:30 (in the gap)',
            start: '2026-03-22T02:30',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-03-22T02:30:00+01:00',
              '2026-03-29T03:30:00+02:00',
              '2026-04-05T02:30:00+02:00',
            ],
          },
          {
            name: 'monthly on the 29th at 02:30 (in the gap; February has no 29th in 2026)',
            start: '2026-01-29T02:30',
            interval: { kind: 'months' },
            expected: [
              '2026-01-29T02:30:00+01:00',
              '2026-03-29T03:30:00+02:00',
              '2026-04-29T02:30:00+02:00',
            ],
          },
          {
            name: "cron '30 2 * * *' (in the gap)",
            start: '2026-03-28T00:00',
            interval: { kind: 'cron', expression: '30 2 * * *' },
            expected: [
              '2026-03-28T02:30:00+01:00',
              '2026-03-29T03:30:00+02:00',
              '2026-03-30T02:30:00+02:00',
            ],
          },
          {
            name: "cron '0 * * * *': 02:00 shifts onto 03:00, which fires once",
            start: '2026-03-29T01:00',
            interval: { kind: 'cron', expression: '0 * * * *' },
            expected: [
              '2026-03-29T01:00:00+01:00',
              '2026-03-29T03:00:00+02:00',
              '2026-03-29T04:00:00+02:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=3 with DTSTART 02:30 in the gap',
            start: '2026-03-29T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=3' },
            count: 5,
            expected: [
              '2026-03-29T03:30:00+02:00',
              '2026-03-30T02:30:00+02:00',
              '2026-03-31T02:30:00+02:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2: the shifted instance counts',
            start: '2026-03-28T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-03-28T02:30:00+01:00', '2026-03-29T03:30:00+02:00'],
          },
          {
            name: 'rrule FREQ=DAILY;UNTIL at 03:00+02:00 (01:00Z): the shifted 03:30 is after UNTIL',
            start: '2026-03-27T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;UNTIL=20260329T010000Z' },
            count: 5,
            expected: ['2026-03-27T02:30:00+01:00', '2026-03-28T02:30:00+01:00'],
          },
        ],
      },
      {
        title: 'fall back, 2026-10-25 03:00 +02:00 → 02:00 +01:00',
        at: '2026-10-25T02:00:00+01:00',
        offsetBefore: '+02:00',
        cases: [
          daily(
            '2026-10-24T02:30',
            ['2026-10-24T02:30:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00'],
            'at 02:30 (repeated): once, at the first 02:30',
          ),
          {
            name: 'every 30 minutes: both copies of 02:00 and 02:30 fire',
            start: '2026-10-25T01:30',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-10-25T01:30:00+02:00',
              '2026-10-25T02:00:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-10-25T02:00:00+01:00',
              '2026-10-25T02:30:00+01:00',
              '2026-10-25T03:00:00+01:00',
            ],
          },
          {
            name: 'every 1 hour: 02:30 fires twice',
            start: '2026-10-25T01:30',
            interval: { kind: 'hours' },
            expected: [
              '2026-10-25T01:30:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-10-25T02:30:00+01:00',
              '2026-10-25T03:30:00+01:00',
            ],
          },
          {
            name: 'weekly on Sundays at 02:30 (repeated)',
            start: '2026-10-18T02:30',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-10-18T02:30:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-11-01T02:30:00+01:00',
            ],
          },
          {
            name: 'monthly on the 25th at 02:30 (repeated)',
            start: '2026-09-25T02:30',
            interval: { kind: 'months' },
            expected: [
              '2026-09-25T02:30:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-11-25T02:30:00+01:00',
            ],
          },
          {
            name: "cron '30 2 * * *' (repeated)",
            start: '2026-10-24T00:00',
            interval: { kind: 'cron', expression: '30 2 * * *' },
            expected: [
              '2026-10-24T02:30:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-10-26T02:30:00+01:00',
            ],
          },
          {
            name: "cron '*/30 * * * *': the repeated 02:00 and 02:30 fire once",
            start: '2026-10-25T01:30',
            interval: { kind: 'cron', expression: '*/30 * * * *' },
            expected: [
              '2026-10-25T01:30:00+02:00',
              '2026-10-25T02:00:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-10-25T03:00:00+01:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2 with DTSTART 02:30 (repeated)',
            start: '2026-10-25T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00'],
          },
          {
            name: 'rrule FREQ=HOURLY;COUNT=4: the repeated 02:30 counts once',
            start: '2026-10-25T01:30',
            interval: { kind: 'rrule', rrule: 'FREQ=HOURLY;COUNT=4' },
            count: 6,
            expected: [
              '2026-10-25T01:30:00+02:00',
              '2026-10-25T02:30:00+02:00',
              '2026-10-25T03:30:00+01:00',
              '2026-10-25T04:30:00+01:00',
            ],
          },
          {
            name: 'rrule every 30 minutes UNTIL the second 02:00 (01:00Z): the first 02:30 (00:30Z) is before it',
            start: '2026-10-25T01:30',
            interval: { kind: 'rrule', rrule: 'FREQ=MINUTELY;INTERVAL=30;UNTIL=20261025T010000Z' },
            count: 6,
            expected: [
              '2026-10-25T01:30:00+02:00',
              '2026-10-25T02:00:00+02:00',
              '2026-10-25T02:30:00+02:00',
            ],
          },
        ],
      },
    ],
  },
  {
    zone: 'Australia/Lord_Howe',
    transitions: [
      {
        title: 'fall back (30 minutes), 2026-04-05 02:00 +11:00 → 01:30 +10:30',
        at: '2026-04-05T01:30:00+10:30',
        offsetBefore: '+11:00',
        cases: [
          daily(
            '2026-04-04T01:45',
            ['2026-04-04T01:45:00+11:00', '2026-04-05T01:45:00+11:00', '2026-04-06T01:45:00+10:30'],
            'at 01:45 (repeated): once, at the first 01:45',
          ),
          {
            name: 'daily at 01:45, asked from inside the second 01:3x: the next day',
            start: '2026-04-04T01:45',
            interval: { kind: 'days' },
            after: '2026-04-05T01:35:00+10:30',
            count: 1,
            expected: ['2026-04-06T01:45:00+10:30'],
          },
          {
            name: 'every 30 minutes: both copies of 01:30 fire',
            start: '2026-04-05T01:00',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-04-05T01:00:00+11:00',
              '2026-04-05T01:30:00+11:00',
              '2026-04-05T01:30:00+10:30',
              '2026-04-05T02:00:00+10:30',
              '2026-04-05T02:30:00+10:30',
            ],
          },
          {
            name: 'every 1 hour: 01:45 is followed by 02:15, one hour later',
            start: '2026-04-05T00:45',
            interval: { kind: 'hours' },
            expected: [
              '2026-04-05T00:45:00+11:00',
              '2026-04-05T01:45:00+11:00',
              '2026-04-05T02:15:00+10:30',
              '2026-04-05T03:15:00+10:30',
            ],
          },
          {
            name: 'weekly on Sundays at 01:45 (repeated)',
            start: '2026-03-29T01:45',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-03-29T01:45:00+11:00',
              '2026-04-05T01:45:00+11:00',
              '2026-04-12T01:45:00+10:30',
            ],
          },
          {
            name: 'monthly on the 5th at 01:45 (repeated)',
            start: '2026-03-05T01:45',
            interval: { kind: 'months' },
            expected: [
              '2026-03-05T01:45:00+11:00',
              '2026-04-05T01:45:00+11:00',
              '2026-05-05T01:45:00+10:30',
            ],
          },
          {
            name: "cron '45 1 * * *' (repeated)",
            start: '2026-04-04T00:00',
            interval: { kind: 'cron', expression: '45 1 * * *' },
            expected: [
              '2026-04-04T01:45:00+11:00',
              '2026-04-05T01:45:00+11:00',
              '2026-04-06T01:45:00+10:30',
            ],
          },
          {
            name: "cron '*/15 * * * *': the repeated 01:30 and 01:45 fire once",
            start: '2026-04-05T01:15',
            interval: { kind: 'cron', expression: '*/15 * * * *' },
            expected: [
              '2026-04-05T01:15:00+11:00',
              '2026-04-05T01:30:00+11:00',
              '2026-04-05T01:45:00+11:00',
              '2026-04-05T02:00:00+10:30',
              '2026-04-05T02:15:00+10:30',
            ],
          },
          {
            name: "cron '*/15 * * * *', asked from inside the second 01:3x: 02:00",
            start: '2026-04-05T01:15',
            interval: { kind: 'cron', expression: '*/15 * * * *' },
            after: '2026-04-05T01:35:00+10:30',
            count: 1,
            expected: ['2026-04-05T02:00:00+10:30'],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2 with DTSTART 01:45 (repeated)',
            start: '2026-04-05T01:45',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-04-05T01:45:00+11:00', '2026-04-06T01:45:00+10:30'],
          },
          {
            name: 'rrule every 15 minutes, COUNT=4: the repeated 01:30 and 01:45 count once',
            start: '2026-04-05T01:15',
            interval: { kind: 'rrule', rrule: 'FREQ=MINUTELY;INTERVAL=15;COUNT=4' },
            count: 6,
            expected: [
              '2026-04-05T01:15:00+11:00',
              '2026-04-05T01:30:00+11:00',
              '2026-04-05T01:45:00+11:00',
              '2026-04-05T02:00:00+10:30',
            ],
          },
        ],
      },
      {
        title: 'spring forward (30 minutes), 2026-10-04 02:00 +10:30 → 02:30 +11:00',
        at: '2026-10-04T02:30:00+11:00',
        offsetBefore: '+10:30',
        cases: [
          daily(
            '2026-10-03T02:15',
            ['2026-10-03T02:15:00+10:30', '2026-10-04T02:45:00+11:00', '2026-10-05T02:15:00+11:00'],
            'at 02:15 (in the gap): shifted by 30 minutes to 02:45',
          ),
          {
            name: 'every 30 minutes',
            start: '2026-10-04T01:00',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-10-04T01:00:00+10:30',
              '2026-10-04T01:30:00+10:30',
              '2026-10-04T02:30:00+11:00',
              '2026-10-04T03:00:00+11:00',
            ],
          },
          {
            name: 'every 1 hour',
            start: '2026-10-04T00:45',
            interval: { kind: 'hours' },
            expected: [
              '2026-10-04T00:45:00+10:30',
              '2026-10-04T01:45:00+10:30',
              '2026-10-04T03:15:00+11:00',
              '2026-10-04T04:15:00+11:00',
            ],
          },
          {
            name: 'weekly on Sundays at 02:15 (in the gap)',
            start: '2026-09-27T02:15',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-09-27T02:15:00+10:30',
              '2026-10-04T02:45:00+11:00',
              '2026-10-11T02:15:00+11:00',
            ],
          },
          {
            name: 'monthly on the 4th at 02:15 (in the gap)',
            start: '2026-09-04T02:15',
            interval: { kind: 'months' },
            expected: [
              '2026-09-04T02:15:00+10:30',
              '2026-10-04T02:45:00+11:00',
              '2026-11-04T02:15:00+11:00',
            ],
          },
          {
            name: "cron '15 2 * * *' (in the gap)",
            start: '2026-10-03T00:00',
            interval: { kind: 'cron', expression: '15 2 * * *' },
            expected: [
              '2026-10-03T02:15:00+10:30',
              '2026-10-04T02:45:00+11:00',
              '2026-10-05T02:15:00+11:00',
            ],
          },
          {
            name: "cron '*/15 * * * *': 02:00 and 02:15 shift onto 02:30 and 02:45, which fire once",
            start: '2026-10-04T01:30',
            interval: { kind: 'cron', expression: '*/15 * * * *' },
            expected: [
              '2026-10-04T01:30:00+10:30',
              '2026-10-04T01:45:00+10:30',
              '2026-10-04T02:30:00+11:00',
              '2026-10-04T02:45:00+11:00',
              '2026-10-04T03:00:00+11:00',
            ],
          },
          {
            name: "cron '15,40 2 * * *': the shifted 02:15 (02:45) fires after the real 02:40",
            start: '2026-10-03T00:00',
            interval: { kind: 'cron', expression: '15,40 2 * * *' },
            expected: [
              '2026-10-03T02:15:00+10:30',
              '2026-10-03T02:40:00+10:30',
              '2026-10-04T02:40:00+11:00',
              '2026-10-04T02:45:00+11:00',
              '2026-10-05T02:15:00+11:00',
            ],
          },
          {
            name: 'daily at 02:15 and 02:40: the shifted 02:15 (02:45) fires after the real 02:40',
            start: '2026-10-03T00:00',
            interval: { kind: 'days', times: ['02:15', '02:40'] },
            expected: [
              '2026-10-03T02:15:00+10:30',
              '2026-10-03T02:40:00+10:30',
              '2026-10-04T02:40:00+11:00',
              '2026-10-04T02:45:00+11:00',
              '2026-10-05T02:15:00+11:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;BYHOUR=2;BYMINUTE=15,40: the shifted 02:15 fires after the real 02:40',
            start: '2026-10-03T02:15',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=15,40' },
            expected: [
              '2026-10-03T02:15:00+10:30',
              '2026-10-03T02:40:00+10:30',
              '2026-10-04T02:40:00+11:00',
              '2026-10-04T02:45:00+11:00',
              '2026-10-05T02:15:00+11:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=3 with DTSTART 02:15 in the gap',
            start: '2026-10-04T02:15',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=3' },
            count: 5,
            expected: [
              '2026-10-04T02:45:00+11:00',
              '2026-10-05T02:15:00+11:00',
              '2026-10-06T02:15:00+11:00',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2: the shifted instance counts',
            start: '2026-10-03T02:15',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-10-03T02:15:00+10:30', '2026-10-04T02:45:00+11:00'],
          },
        ],
      },
    ],
  },
  {
    zone: 'Pacific/Chatham',
    transitions: [
      {
        title: 'fall back, 2026-04-05 03:45 +13:45 → 02:45 +12:45',
        at: '2026-04-05T02:45:00+12:45',
        offsetBefore: '+13:45',
        cases: [
          daily(
            '2026-04-04T03:15',
            ['2026-04-04T03:15:00+13:45', '2026-04-05T03:15:00+13:45', '2026-04-06T03:15:00+12:45'],
            'at 03:15 (repeated): once, at the first 03:15',
          ),
          {
            name: 'every 30 minutes: both copies of 03:00 and 03:30 fire',
            start: '2026-04-05T02:30',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-04-05T02:30:00+13:45',
              '2026-04-05T03:00:00+13:45',
              '2026-04-05T03:30:00+13:45',
              '2026-04-05T03:00:00+12:45',
              '2026-04-05T03:30:00+12:45',
              '2026-04-05T04:00:00+12:45',
            ],
          },
          {
            name: 'every 1 hour: 03:15 fires twice',
            start: '2026-04-05T02:15',
            interval: { kind: 'hours' },
            expected: [
              '2026-04-05T02:15:00+13:45',
              '2026-04-05T03:15:00+13:45',
              '2026-04-05T03:15:00+12:45',
              '2026-04-05T04:15:00+12:45',
            ],
          },
          {
            name: 'weekly on Sundays at 03:15 (repeated)',
            start: '2026-03-29T03:15',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-03-29T03:15:00+13:45',
              '2026-04-05T03:15:00+13:45',
              '2026-04-12T03:15:00+12:45',
            ],
          },
          {
            name: 'monthly on the 5th at 03:15 (repeated)',
            start: '2026-03-05T03:15',
            interval: { kind: 'months' },
            expected: [
              '2026-03-05T03:15:00+13:45',
              '2026-04-05T03:15:00+13:45',
              '2026-05-05T03:15:00+12:45',
            ],
          },
          {
            name: "cron '15 3 * * *' (repeated)",
            start: '2026-04-04T00:00',
            interval: { kind: 'cron', expression: '15 3 * * *' },
            expected: [
              '2026-04-04T03:15:00+13:45',
              '2026-04-05T03:15:00+13:45',
              '2026-04-06T03:15:00+12:45',
            ],
          },
          {
            name: "cron '*/30 * * * *': the repeated 03:00 and 03:30 fire once",
            start: '2026-04-05T02:30',
            interval: { kind: 'cron', expression: '*/30 * * * *' },
            expected: [
              '2026-04-05T02:30:00+13:45',
              '2026-04-05T03:00:00+13:45',
              '2026-04-05T03:30:00+13:45',
              '2026-04-05T04:00:00+12:45',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2 with DTSTART 03:15 (repeated)',
            start: '2026-04-05T03:15',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-04-05T03:15:00+13:45', '2026-04-06T03:15:00+12:45'],
          },
          {
            name: 'rrule FREQ=HOURLY;COUNT=3: the repeated 03:15 counts once',
            start: '2026-04-05T02:15',
            interval: { kind: 'rrule', rrule: 'FREQ=HOURLY;COUNT=3' },
            count: 5,
            expected: [
              '2026-04-05T02:15:00+13:45',
              '2026-04-05T03:15:00+13:45',
              '2026-04-05T04:15:00+12:45',
            ],
          },
        ],
      },
      {
        title: 'spring forward, 2026-09-27 02:45 +12:45 → 03:45 +13:45',
        at: '2026-09-27T03:45:00+13:45',
        offsetBefore: '+12:45',
        cases: [
          daily(
            '2026-09-26T03:15',
            ['2026-09-26T03:15:00+12:45', '2026-09-27T04:15:00+13:45', '2026-09-28T03:15:00+13:45'],
            'at 03:15 (in the gap)',
          ),
          {
            name: 'every 30 minutes',
            start: '2026-09-27T02:00',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-09-27T02:00:00+12:45',
              '2026-09-27T02:30:00+12:45',
              '2026-09-27T04:00:00+13:45',
              '2026-09-27T04:30:00+13:45',
            ],
          },
          {
            name: 'every 1 hour',
            start: '2026-09-27T01:15',
            interval: { kind: 'hours' },
            expected: [
              '2026-09-27T01:15:00+12:45',
              '2026-09-27T02:15:00+12:45',
              '2026-09-27T04:15:00+13:45',
              '2026-09-27T05:15:00+13:45',
            ],
          },
          {
            name: 'weekly on Sundays at 03:15 (in the gap)',
            start: '2026-09-20T03:15',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-09-20T03:15:00+12:45',
              '2026-09-27T04:15:00+13:45',
              '2026-10-04T03:15:00+13:45',
            ],
          },
          {
            name: 'monthly on the 27th at 03:15 (in the gap)',
            start: '2026-08-27T03:15',
            interval: { kind: 'months' },
            expected: [
              '2026-08-27T03:15:00+12:45',
              '2026-09-27T04:15:00+13:45',
              '2026-10-27T03:15:00+13:45',
            ],
          },
          {
            name: "cron '15 3 * * *' (in the gap)",
            start: '2026-09-26T00:00',
            interval: { kind: 'cron', expression: '15 3 * * *' },
            expected: [
              '2026-09-26T03:15:00+12:45',
              '2026-09-27T04:15:00+13:45',
              '2026-09-28T03:15:00+13:45',
            ],
          },
          {
            name: "cron '*/15 * * * *': 02:45…03:30 shift onto 03:45…04:30, each firing once, in order",
            start: '2026-09-27T02:30',
            interval: { kind: 'cron', expression: '*/15 * * * *' },
            expected: [
              '2026-09-27T02:30:00+12:45',
              '2026-09-27T03:45:00+13:45',
              '2026-09-27T04:00:00+13:45',
              '2026-09-27T04:15:00+13:45',
              '2026-09-27T04:30:00+13:45',
              '2026-09-27T04:45:00+13:45',
            ],
          },
          {
            name: 'daily at 03:30 and 04:00: the shifted 03:30 (04:30) fires after the real 04:00',
            start: '2026-09-26T00:00',
            interval: { kind: 'days', times: ['03:30', '04:00'] },
            expected: [
              '2026-09-26T03:30:00+12:45',
              '2026-09-26T04:00:00+12:45',
              '2026-09-27T04:00:00+13:45',
              '2026-09-27T04:30:00+13:45',
              '2026-09-28T03:30:00+13:45',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=3 with DTSTART 03:15 in the gap',
            start: '2026-09-27T03:15',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=3' },
            count: 5,
            expected: [
              '2026-09-27T04:15:00+13:45',
              '2026-09-28T03:15:00+13:45',
              '2026-09-29T03:15:00+13:45',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=2: the shifted instance counts',
            start: '2026-09-26T03:15',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=2' },
            count: 5,
            expected: ['2026-09-26T03:15:00+12:45', '2026-09-27T04:15:00+13:45'],
          },
        ],
      },
    ],
  },
  {
    zone: 'Asia/Kolkata',
    transitions: [
      {
        title: 'no DST: Berlin’s spring-forward day, 2026-03-29, is an ordinary day',
        at: null,
        offsetBefore: null,
        cases: [
          daily(
            '2026-03-28T02:30',
            ['2026-03-28T02:30:00+05:30', '2026-03-29T02:30:00+05:30', '2026-03-30T02:30:00+05:30'],
            'at 02:30',
          ),
          {
            name: 'every 30 minutes',
            start: '2026-03-29T01:00',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-03-29T01:00:00+05:30',
              '2026-03-29T01:30:00+05:30',
              '2026-03-29T02:00:00+05:30',
              '2026-03-29T02:30:00+05:30',
            ],
          },
          {
            name: 'every 1 hour',
            start: '2026-03-29T00:30',
            interval: { kind: 'hours' },
            expected: [
              '2026-03-29T00:30:00+05:30',
              '2026-03-29T01:30:00+05:30',
              '2026-03-29T02:30:00+05:30',
              '2026-03-29T03:30:00+05:30',
            ],
          },
          {
            name: 'weekly on Sundays at 02:30',
            start: '2026-03-22T02:30',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-03-22T02:30:00+05:30',
              '2026-03-29T02:30:00+05:30',
              '2026-04-05T02:30:00+05:30',
            ],
          },
          {
            name: 'monthly on the 29th at 02:30',
            start: '2026-01-29T02:30',
            interval: { kind: 'months' },
            expected: [
              '2026-01-29T02:30:00+05:30',
              '2026-03-29T02:30:00+05:30',
              '2026-04-29T02:30:00+05:30',
            ],
          },
          {
            name: "cron '0 * * * *'",
            start: '2026-03-29T01:00',
            interval: { kind: 'cron', expression: '0 * * * *' },
            expected: [
              '2026-03-29T01:00:00+05:30',
              '2026-03-29T02:00:00+05:30',
              '2026-03-29T03:00:00+05:30',
            ],
          },
          {
            name: 'rrule FREQ=DAILY;COUNT=3',
            start: '2026-03-29T02:30',
            interval: { kind: 'rrule', rrule: 'FREQ=DAILY;COUNT=3' },
            count: 5,
            expected: [
              '2026-03-29T02:30:00+05:30',
              '2026-03-30T02:30:00+05:30',
              '2026-03-31T02:30:00+05:30',
            ],
          },
        ],
      },
      {
        title: 'no DST: Berlin’s fall-back day, 2026-10-25, is an ordinary day',
        at: null,
        offsetBefore: null,
        cases: [
          daily(
            '2026-10-24T02:30',
            ['2026-10-24T02:30:00+05:30', '2026-10-25T02:30:00+05:30', '2026-10-26T02:30:00+05:30'],
            'at 02:30',
          ),
          {
            name: 'every 30 minutes: 02:00 and 02:30 fire once each',
            start: '2026-10-25T01:30',
            interval: { kind: 'minutes', every: 30 },
            expected: [
              '2026-10-25T01:30:00+05:30',
              '2026-10-25T02:00:00+05:30',
              '2026-10-25T02:30:00+05:30',
              '2026-10-25T03:00:00+05:30',
            ],
          },
          {
            name: 'every 1 hour',
            start: '2026-10-25T01:30',
            interval: { kind: 'hours' },
            expected: [
              '2026-10-25T01:30:00+05:30',
              '2026-10-25T02:30:00+05:30',
              '2026-10-25T03:30:00+05:30',
            ],
          },
          {
            name: 'weekly on Sundays at 02:30',
            start: '2026-10-18T02:30',
            interval: { kind: 'weeks', weekdays: ['SU'] },
            expected: [
              '2026-10-18T02:30:00+05:30',
              '2026-10-25T02:30:00+05:30',
              '2026-11-01T02:30:00+05:30',
            ],
          },
          {
            name: 'monthly on the 25th at 02:30',
            start: '2026-09-25T02:30',
            interval: { kind: 'months' },
            expected: [
              '2026-09-25T02:30:00+05:30',
              '2026-10-25T02:30:00+05:30',
              '2026-11-25T02:30:00+05:30',
            ],
          },
          {
            name: "cron '*/30 * * * *'",
            start: '2026-10-25T01:30',
            interval: { kind: 'cron', expression: '*/30 * * * *' },
            expected: [
              '2026-10-25T01:30:00+05:30',
              '2026-10-25T02:00:00+05:30',
              '2026-10-25T02:30:00+05:30',
              '2026-10-25T03:00:00+05:30',
            ],
          },
          {
            name: 'rrule FREQ=HOURLY;COUNT=4',
            start: '2026-10-25T01:30',
            interval: { kind: 'rrule', rrule: 'FREQ=HOURLY;COUNT=4' },
            count: 6,
            expected: [
              '2026-10-25T01:30:00+05:30',
              '2026-10-25T02:30:00+05:30',
              '2026-10-25T03:30:00+05:30',
              '2026-10-25T04:30:00+05:30',
            ],
          },
        ],
      },
    ],
  },
];

/**
 * Known bugs in src/ (reported, not fixed here): the case names, each with the reason.
 * RRULE UNTIL is compared on the wall-clock timeline before gap shifting and fold
 * resolution (rrule.ts, untilOnWallTimeline), so an instant after UNTIL can fire and one
 * before UNTIL can be dropped; a later UNTIL even yields fewer instances than an earlier one.
 */

const format = (date: Date, zone: string) => formatInZone(date.getTime(), zone);

/** The instant of an ISO date-time with offset, read by Temporal. */
const instant = (text: string) => new Date(Temporal.Instant.from(text).epochMilliseconds);

describe('the 2026 transitions the tables rely on (Temporal’s zone data)', () => {
  for (const { zone, transitions } of ZONES) {
    it(`${zone}: ${transitions.map((t) => t.at ?? 'none').join(', ')}`, () => {
      const found: Array<{ at: string; offsetBefore: string }> = [];
      let cursor: Temporal.ZonedDateTime | null = Temporal.ZonedDateTime.from({
        year: 2026,
        month: 1,
        day: 1,
        timeZone: zone,
      });
      while ((cursor = cursor.getTimeZoneTransition('next')) && cursor.year === 2026) {
        found.push({
          at: format(new Date(cursor.epochMilliseconds), zone),
          offsetBefore: cursor.subtract({ nanoseconds: 1 }).offset,
        });
      }
      const listed = transitions.flatMap(({ at, offsetBefore }) =>
        at === null || offsetBefore === null ? [] : [{ at, offsetBefore }],
      );
      const byInstant = (a: { at: string }, b: { at: string }) =>
        instant(a.at).getTime() - instant(b.at).getTime();
      assert.deepEqual(found.sort(byInstant), listed.sort(byInstant));
    });
  }
});

for (const { zone, transitions } of ZONES) {
  describe(zone, () => {
    for (const { title, cases } of transitions) {
      describe(title, () => {
        for (const c of cases) {
          it(c.name, () => {
            const schedule = { timezone: zone, start: c.start, intervals: [c.interval] };
            const after = c.after === undefined ? null : instant(c.after);
            const count = c.count ?? c.expected.length;
            const found = nextOccurrences(schedule, after, count, DEFAULT_ZONE);
            assert.deepEqual(
              found.map((date) => format(date, zone)),
              c.expected,
            );
            const last = found.at(-1);
            if (found.length < count && last) {
              assert.equal(hasFutureOccurrence(schedule, last, DEFAULT_ZONE), false);
            }
          });
        }
      });
    }
  });
}

describe('elapsed intervals keep their spacing through every transition of 2026', () => {
  for (const { zone } of ZONES) {
    for (const minutes of [15, 30, 60, 90]) {
      it(`${zone}, every ${minutes} minutes for the whole year`, () => {
        const schedule = {
          timezone: zone,
          start: '2026-01-01T00:00',
          intervals: [{ kind: 'minutes', every: minutes }],
        };
        const first = Temporal.ZonedDateTime.from({
          year: 2026,
          month: 1,
          day: 1,
          timeZone: zone,
        }).epochMilliseconds;
        const step = minutes * 60_000;
        // Look at the instants near each transition (and mid-year for Kolkata).
        const probes = [
          Date.UTC(2026, 2, 7),
          Date.UTC(2026, 3, 3),
          Date.UTC(2026, 5, 1),
          Date.UTC(2026, 8, 25),
          Date.UTC(2026, 9, 2),
          Date.UTC(2026, 9, 23),
          Date.UTC(2026, 9, 30),
        ];
        for (const probe of probes) {
          const found = nextOccurrences(schedule, new Date(probe), 300, DEFAULT_ZONE);
          const expectedFirst = first + (Math.floor((probe - first) / step) + 1) * step;
          assert.deepEqual(
            found.map((date) => date.getTime()),
            Array.from({ length: 300 }, (_, i) => expectedFirst + i * step),
          );
        }
      });
    }
  }
});
