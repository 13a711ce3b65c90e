/**
 * The examples of RFC 5545 section 3.8.5.3 (test/schedule/rfc5545-examples.ts), each run as a
 * schedule with one rrule interval: { timezone: America/New_York, start: DTSTART,
 * intervals: [{ kind: 'rrule', rrule }] }.
 *
 * Examples left out: none. Handled explicitly:
 * - "Every 3 hours from 9:00 AM to 5:00 PM on a specific day": the RFC's own values disagree
 *   (erratum). UNTIL=19970902T170000Z is 13:00 EDT, so by the rule the instances are 09:00 and
 *   12:00 only; the RFC lists 15:00 too. We assert the RRULE-consistent result.
 * - "Every Friday the 13th, forever": the RFC gives EXDATE;TZID=America/New_York:19970902T090000
 *   (DTSTART, which the rule does not match). An rrule interval takes no EXDATE; the schedule's
 *   `exclude` takes whole local dates. Excluding 1997-09-02 is equivalent here, because the rule
 *   fires at 09:00 only, so nothing else falls on that date. The test also states that our rrule
 *   interval does not fire at a start the rule does not match (RFC 5545 counts DTSTART as the
 *   first instance, which is why the RFC needs the EXDATE), so the result is the same without it.
 *
 * Finite rules (not `forever`) are asked for more instances than the RFC lists, must stop at the
 * last one, and must have nothing after it. For `forever` rules the first instances the RFC shows
 * are compared (the data file expands the RFC's "..." runs; see its notes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Temporal } from 'temporal-polyfill';
import { nextOccurrences } from '../../src/schedule/occurrences.ts';
import { formatInZone } from '../../src/schedule/zone.ts';
import { RFC5545_EXAMPLES, TIMEZONE, type RfcExample } from './rfc5545-examples.ts';

const ERRATUM_TITLE = 'Every 3 hours from 9:00 AM to 5:00 PM on a specific day';
const EXDATE_TITLE = 'Every Friday the 13th, forever';
/** How many more instances than listed a finite rule is asked for, to prove that it ends. */
const EXTRA = 5;

interface Schedule {
  timezone: string;
  start: string;
  exclude?: string[];
  intervals: Array<{ kind: 'rrule'; rrule: string }>;
}

function scheduleOf(example: RfcExample, exclude?: string[]): Schedule {
  const schedule: Schedule = {
    timezone: TIMEZONE,
    start: example.dtstart,
    intervals: [{ kind: 'rrule', rrule: example.rrule }],
  };
  if (exclude) schedule.exclude = exclude;
  return schedule;
}

/** The local date-time of an instant, from formatInZone without its offset. */
function local(date: Date): string {
  const formatted = formatInZone(date.getTime(), TIMEZONE);
  assert.match(formatted, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  return formatted.slice(0, 19);
}

/** The instant of a local date-time in the example zone (the earlier one if it occurs twice). */
function instantOf(localDateTime: string): number {
  return Temporal.PlainDateTime.from(localDateTime).toZonedDateTime(TIMEZONE, {
    disambiguation: 'compatible',
  }).epochMilliseconds;
}

/**
 * Checks a schedule's instances from its start: the first `expected.length` (all of them, and
 * nothing after, unless the rule is `forever`).
 */
function expectInstances(schedule: Schedule, expected: readonly string[], forever: boolean) {
  const count = forever ? expected.length : expected.length + EXTRA;
  const found = nextOccurrences(schedule, null, count, 'UTC');
  assert.deepEqual(found.map(local), expected);
  // The same instants, not only the same wall-clock readings.
  assert.deepEqual(
    found.map((date) => date.getTime()),
    expected.map(instantOf),
  );
  if (!forever) {
    const last = found[found.length - 1];
    assert.ok(last, 'a finite rule with instances');
    assert.deepEqual(nextOccurrences(schedule, last, 1, 'UTC'), [], 'nothing after the last');
  }
}

describe('RFC 5545 section 3.8.5.3 examples as rrule intervals (America/New_York)', () => {
  it('has every example once, with a distinct title', () => {
    const titles = RFC5545_EXAMPLES.map((example) => example.title);
    assert.equal(new Set(titles).size, titles.length);
    assert.ok(titles.includes(ERRATUM_TITLE));
    assert.ok(titles.includes(EXDATE_TITLE));
    // Only the Friday-the-13th example carries an EXDATE; it is handled below.
    assert.deepEqual(
      RFC5545_EXAMPLES.filter((example) => example.exdate).map((example) => example.title),
      [EXDATE_TITLE],
    );
  });

  for (const example of RFC5545_EXAMPLES) {
    const forever = example.forever === true;

    if (example.title === ERRATUM_TITLE) {
      it(`${example.title} (RFC erratum: UNTIL=19970902T170000Z is 13:00 EDT, so 09:00 and 12:00 only)`, () => {
        // The RFC lists 09:00, 12:00 and 15:00, but 15:00 EDT (19:00Z) is after
        // UNTIL=19970902T170000Z (13:00 EDT), and UNTIL bounds the recurrence inclusively.
        // "5:00 PM" local would have been UNTIL=19970902T210000Z. We follow the rule as written.
        assert.deepEqual(example.expected, [
          '1997-09-02T09:00:00',
          '1997-09-02T12:00:00',
          '1997-09-02T15:00:00',
        ]);
        assert.equal(forever, false);
        expectInstances(scheduleOf(example), ['1997-09-02T09:00:00', '1997-09-02T12:00:00'], false);
      });
      continue;
    }

    if (example.title === EXDATE_TITLE) {
      it(`${example.title} (EXDATE 1997-09-02T09:00 given as exclude: ['1997-09-02'])`, () => {
        assert.deepEqual(example.exdate, [example.dtstart]);
        const excludedDates = (example.exdate ?? []).map((exdate) => exdate.slice(0, 10));
        expectInstances(scheduleOf(example, excludedDates), example.expected, forever);
        // Without the exclusion too: DTSTART (a Tuesday the 2nd) does not match the rule, and
        // an rrule interval fires only where the rule matches, unlike RFC 5545's DTSTART.
        expectInstances(scheduleOf(example), example.expected, forever);
      });
      continue;
    }

    it(example.title, () => {
      expectInstances(scheduleOf(example), example.expected, forever);
    });
  }
});
