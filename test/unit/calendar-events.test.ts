import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CALENDAR_LIMITS,
  CalendarError,
  matchesFilter,
  occurrencesBetween,
  parseCalendar,
  type CalendarOccurrence,
} from '../../src/calendar/calendar-events.ts';
import { fireParameters, firesBetween } from '../../src/calendar/calendar-fires.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/calendars/${name}`, import.meta.url), 'utf8');

const YEAR = {
  from: Date.parse('2026-01-01T00:00:00Z'),
  to: Date.parse('2027-01-01T00:00:00Z'),
  edge: 'start' as const,
};

function occurrences(name: string, zone = 'Europe/Berlin', window = YEAR) {
  const result = occurrencesBetween(parseCalendar(fixture(name), zone), window);
  assert.deepEqual(result.problems, []);
  return result.occurrences;
}

const iso = (ms: number) => new Date(ms).toISOString();
const startsOf = (list: CalendarOccurrence[], summary: string) =>
  list.filter((each) => each.summary.startsWith(summary)).map((each) => iso(each.start));

/** A minimal calendar around some VEVENT lines. */
function calendar(...events: string[][]): string {
  const body = events.flatMap((lines) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT']);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR'].join(
    '\r\n',
  );
}

describe('calendar events', () => {
  it('expands a weekly Google event: EXDATE left out, an override moved, a cancelled one gone, 09:00 across the March change', () => {
    const list = occurrences('google-team.ics', 'UTC', {
      ...YEAR,
      to: Date.parse('2026-04-21T00:00:00Z'),
    });
    assert.deepEqual(startsOf(list, 'Team sync'), [
      '2026-03-02T08:00:00.000Z',
      '2026-03-09T08:00:00.000Z',
      // 16 March is an EXDATE; the 23rd moved to Tuesday 14:00.
      '2026-03-24T13:00:00.000Z',
      // Summer time: still 09:00 in Berlin. 6 April is cancelled.
      '2026-03-30T07:00:00.000Z',
      '2026-04-13T07:00:00.000Z',
      '2026-04-20T07:00:00.000Z',
    ]);
    const moved = list.find((each) => each.summary === 'Team sync (moved)');
    assert.ok(moved);
    assert.equal(moved.uid, '5g1f2kq8v0s3m9t7c4d6e8h0jl@google.com');
    assert.equal(moved.recurrenceId, '2026-03-23T08:00:00.000Z');
    assert.equal(moved.location, 'Room 2.01');
    assert.equal(iso(moved.end), '2026-03-24T13:30:00.000Z');
    const first = list[0];
    assert.equal(first?.location, 'Room 4.12, Building B');
    assert.equal(
      first?.description,
      'Weekly team sync.\nAgenda: https://docs.example.com/d/team-sync',
    );
  });

  it("reads an all-day event's dates in the floating zone (the task's)", () => {
    const [freeze] = occurrences('google-team.ics', 'Europe/Berlin').filter(
      (each) => each.summary === 'Release freeze',
    );
    assert.ok(freeze);
    assert.equal(freeze.allDay, true);
    assert.equal(iso(freeze.start), '2026-03-04T23:00:00.000Z');
    assert.equal(iso(freeze.end), '2026-03-05T23:00:00.000Z');
    const inTokyo = occurrences('google-team.ics', 'Asia/Tokyo').find(
      (each) => each.summary === 'Release freeze',
    );
    assert.equal(iso(inTokyo?.start ?? 0), '2026-03-04T15:00:00.000Z');
  });

  it("uses Outlook's Windows zone definition: 10:00 stays 10:00 across the October change", () => {
    const list = occurrences('outlook-planning.ics', 'UTC');
    assert.deepEqual(startsOf(list, 'Planning'), [
      '2026-10-14T08:00:00.000Z',
      '2026-10-21T08:00:00.000Z',
      '2026-10-28T09:00:00.000Z',
      '2026-11-04T09:00:00.000Z',
    ]);
    const closed = list.find((each) => each.summary === 'Office closed');
    assert.equal(closed?.allDay, true);
    assert.equal(iso(closed?.start ?? 0), '2026-10-26T00:00:00.000Z');
  });

  it('reads Apple floating times in the task zone, and a multi-day all-day event', () => {
    const list = occurrences('apple-home.ics', 'Europe/Berlin');
    assert.deepEqual(startsOf(list, 'Dentist'), ['2026-03-09T13:30:00.000Z']);
    assert.equal(
      list.find((each) => each.summary === 'Dentist')?.location,
      'Dr. Miller\n12 Main St, Springfield',
    );
    assert.deepEqual(startsOf(list, 'Morning run'), ['2026-03-10T06:00:00.000Z']);
    const inNewYork = occurrences('apple-home.ics', 'America/New_York');
    assert.deepEqual(startsOf(inNewYork, 'Morning run'), ['2026-03-10T11:00:00.000Z']);
    const trip = list.find((each) => each.summary === 'Weekend trip');
    assert.equal(iso(trip?.start ?? 0), '2026-03-19T23:00:00.000Z');
    assert.equal(iso(trip?.end ?? 0), '2026-03-22T23:00:00.000Z');
  });

  it("follows Thunderbird's custom VTIMEZONE and a UTC EXDATE, with categories", () => {
    const list = occurrences('thunderbird-ops.ics', 'UTC');
    // "Research Station": +03:00, then +04:30 from the first Sunday of April.
    assert.deepEqual(startsOf(list, 'Station relay'), [
      '2026-04-01T09:00:00.000Z',
      '2026-05-01T07:30:00.000Z',
      '2026-06-01T07:30:00.000Z',
      '2026-07-01T07:30:00.000Z',
    ]);
    assert.deepEqual(startsOf(list, 'Backup check'), [
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      // 2 November is an EXDATE written in UTC.
      '2026-11-09T08:00:00.000Z',
      '2026-11-16T08:00:00.000Z',
      '2026-11-23T08:00:00.000Z',
      '2026-11-30T08:00:00.000Z',
    ]);
    assert.deepEqual(list.find((each) => each.summary === 'Backup check')?.categories, [
      'Operations',
      'Business',
    ]);
  });

  it('selects by end as asked, within [from, to)', () => {
    const text = calendar([
      'UID:a',
      'DTSTART:20260310T090000Z',
      'DTEND:20260310T110000Z',
      'SUMMARY:Long',
    ]);
    const parsed = parseCalendar(text, 'UTC');
    const window = (from: string, to: string, edge: 'start' | 'end') => ({
      from: Date.parse(from),
      to: Date.parse(to),
      edge,
    });
    const count = (w: ReturnType<typeof window>) =>
      occurrencesBetween(parsed, w).occurrences.length;
    assert.equal(count(window('2026-03-10T10:00:00Z', '2026-03-10T12:00:00Z', 'start')), 0);
    assert.equal(count(window('2026-03-10T10:00:00Z', '2026-03-10T12:00:00Z', 'end')), 1);
    assert.equal(count(window('2026-03-10T09:00:00Z', '2026-03-10T09:00:01Z', 'start')), 1);
    assert.equal(count(window('2026-03-10T08:00:00Z', '2026-03-10T09:00:00Z', 'start')), 0);
  });

  it('reads a TZID without a definition as the IANA zone it names', () => {
    const text = calendar(['UID:b', 'DTSTART;TZID=Asia/Kolkata:20260310T090000', 'SUMMARY:X']);
    const [one] = occurrencesBetween(parseCalendar(text, 'UTC'), YEAR).occurrences;
    assert.equal(iso(one?.start ?? 0), '2026-03-10T03:30:00.000Z');
  });

  it('refuses what is not iCalendar, with a clear message', () => {
    assert.throws(() => parseCalendar(fixture('broken.ics'), 'UTC'), {
      name: 'CalendarError',
      message: /not valid iCalendar: .*did not end/,
    });
    assert.throws(() => parseCalendar('<html>Sign in</html>', 'UTC'), {
      message: /not an iCalendar file: it does not begin with BEGIN:VCALENDAR/,
    });
    assert.throws(() => parseCalendar('', 'UTC'), CalendarError);
  });

  it('refuses a text past the size limit and too many events', () => {
    const limits = { ...CALENDAR_LIMITS, maxBytes: 1000, maxEvents: 2 };
    const big = calendar(['UID:x', 'DTSTART:20260310T090000Z', `DESCRIPTION:${'a'.repeat(2000)}`]);
    assert.throws(() => parseCalendar(big, 'UTC', limits), {
      message: /more than the 1000 bytes this server reads/,
    });
    const many = calendar(...[1, 2, 3].map((n) => [`UID:${n}`, 'DTSTART:20260310T090000Z']));
    assert.throws(() => parseCalendar(many, 'UTC', limits), {
      message: /3 events, more than the 2/,
    });
  });

  it('leaves out an event that repeats too often to reach the window, and limits a window', () => {
    const text = calendar(
      ['UID:minutely', 'DTSTART:20000101T000000Z', 'RRULE:FREQ=MINUTELY', 'SUMMARY:Ticker'],
      ['UID:fine', 'DTSTART:20260310T090000Z', 'SUMMARY:Fine'],
    );
    const result = occurrencesBetween(parseCalendar(text, 'UTC'), YEAR);
    assert.deepEqual(
      result.occurrences.map((each) => each.summary),
      ['Fine'],
    );
    assert.match(
      result.problems[0] ?? '',
      /'Ticker' is left out: it repeats more than 50000 times/,
    );
    const tickers = calendar(
      ...[1, 2, 3, 4, 5].map((n) => [`UID:t${n}`, 'DTSTART:20200101T000000Z', 'RRULE:FREQ=HOURLY']),
    );
    assert.throws(() => occurrencesBetween(parseCalendar(tickers, 'UTC'), YEAR), {
      message: /events repeat more than 200000 times in all/,
    });
    const hourly = calendar(['UID:h', 'DTSTART:20260101T000000Z', 'RRULE:FREQ=HOURLY']);
    assert.throws(() => occurrencesBetween(parseCalendar(hourly, 'UTC'), YEAR), {
      message: /more than 5000 occurrences between/,
    });
  });

  it('names an event without a start as left out, and keeps the others', () => {
    const text = calendar(
      ['UID:nostart', 'SUMMARY:Nowhen'],
      ['UID:ok', 'DTSTART:20260310T090000Z'],
    );
    const result = occurrencesBetween(parseCalendar(text, 'UTC'), YEAR);
    assert.equal(result.occurrences.length, 1);
    assert.match(result.problems[0] ?? '', /'Nowhen' is left out: .*has no start/);
  });

  it('filters by summary or category, in any case', () => {
    const [backup] = occurrences('thunderbird-ops.ics', 'UTC').filter(
      (each) => each.summary === 'Backup check',
    );
    assert.ok(backup);
    assert.equal(matchesFilter(backup, 'BACKUP'), true);
    assert.equal(matchesFilter(backup, 'business'), true);
    assert.equal(matchesFilter(backup, 'relay'), false);
    assert.equal(matchesFilter(backup, ''), true);
  });
});

describe('calendar fires', () => {
  it('fire lead minutes before the start, keyed apart for two events at one instant', () => {
    const text = calendar(
      ['UID:one', 'DTSTART:20260310T090000Z', 'SUMMARY:One'],
      ['UID:two', 'DTSTART:20260310T090000Z', 'SUMMARY:Two'],
    );
    const parsed = parseCalendar(text, 'UTC');
    const rule = { fireAt: 'start' as const, leadMinutes: 15, filter: '' };
    const { fires } = firesBetween(parsed, rule, YEAR.from, YEAR.to);
    assert.deepEqual(
      fires.map((fire) => iso(fire.at)),
      ['2026-03-10T08:45:00.000Z', '2026-03-10T08:45:00.000Z'],
    );
    const [a, b] = fires.map((fire) => fire.key);
    assert.notEqual(a, b, 'two runs, not one');
    for (const fire of fires) {
      assert.ok(fire.key >= fire.at && fire.key < fire.at + 1000, 'within the fire second');
    }
    // The same calendar read again (another node) gives the same keys.
    const again = firesBetween(parseCalendar(text, 'UTC'), rule, YEAR.from, YEAR.to);
    assert.deepEqual(
      again.fires.map((fire) => fire.key),
      fires.map((fire) => fire.key),
    );
  });

  it('fire at the end when asked, and only for matching events', () => {
    const parsed = parseCalendar(fixture('thunderbird-ops.ics'), 'UTC');
    const rule = { fireAt: 'end' as const, leadMinutes: 0, filter: 'backup' };
    const { fires } = firesBetween(parsed, rule, YEAR.from, Date.parse('2026-10-27T00:00:00Z'));
    assert.deepEqual(
      fires.map((fire) => iso(fire.at)),
      ['2026-10-19T07:15:00.000Z', '2026-10-26T08:15:00.000Z'],
    );
  });

  it('give the event fields as parameters, times in the task zone', () => {
    const list = occurrences('google-team.ics', 'Europe/Berlin');
    const sync = list.find((each) => each.summary === 'Team sync');
    const freeze = list.find((each) => each.summary === 'Release freeze');
    assert.ok(sync && freeze);
    assert.deepEqual(fireParameters(sync, 'Europe/Berlin'), {
      'event.uid': '5g1f2kq8v0s3m9t7c4d6e8h0jl@google.com',
      'event.summary': 'Team sync',
      'event.start': '2026-03-02T09:00:00+01:00',
      'event.end': '2026-03-02T09:30:00+01:00',
      'event.allDay': 'false',
      'event.location': 'Room 4.12, Building B',
      'event.description': 'Weekly team sync.\nAgenda: https://docs.example.com/d/team-sync',
      'event.categories': '',
    });
    const all = fireParameters(freeze, 'Europe/Berlin');
    assert.equal(all['event.start'], '2026-03-05');
    assert.equal(all['event.end'], '2026-03-06');
    assert.equal(all['event.allDay'], 'true');
  });
});
