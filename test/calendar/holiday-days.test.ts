import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCalendar } from '../../src/calendar/calendar-events.ts';
import { holidayDays, holidayHorizon } from '../../src/calendar/holiday-days.ts';
import { planHolidayDays } from '../../src/calendar/plan-fires.ts';
import { dateOfEpochDay } from '../../src/schedule/calendar.ts';
import type { DayRange } from '../../src/schedule/holiday-exclusions.ts';
import { formatInZone } from '../../src/schedule/zone.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/calendars/${name}`, import.meta.url), 'utf8');
const HOLIDAYS = fixture('holidays-berlin.ics');

const iso = (day: number) => {
  const { year, month, day: d } = dateOfEpochDay(day);
  return `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};
/** Ranges as "from..to" (or one date), readable in a failure. */
const shown = (days: readonly DayRange[]) =>
  days.map(({ from, to }) => (from === to ? iso(from) : `${iso(from)}..${iso(to)}`));

const YEAR_2026 = {
  from: Date.parse('2025-12-31T23:00:00Z'),
  to: Date.parse('2026-12-31T23:00:00Z'),
};

describe('the days of a holiday calendar', () => {
  it('all-day events cover their dates, a timed one the dates it touches; cancelled ones none', () => {
    const calendar = parseCalendar(HOLIDAYS, 'Europe/Berlin');
    const { days, problems } = holidayDays(calendar, '', YEAR_2026.from, YEAR_2026.to);
    assert.deepEqual(problems, []);
    assert.deepEqual(shown(days), [
      '2026-01-01',
      '2026-03-08',
      // Maintenance from 22:00 to 02:00 the next day.
      '2026-03-11..2026-03-12',
      // DTEND is exclusive: the offsite is the 16th and the 17th.
      '2026-03-16..2026-03-17',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-12-24..2026-12-26',
    ]);
  });

  it('the filter keeps the events whose summary or a category contains it, in any case', () => {
    const calendar = parseCalendar(HOLIDAYS, 'Europe/Berlin');
    const company = holidayDays(calendar, 'COMPANY', YEAR_2026.from, YEAR_2026.to);
    assert.deepEqual(shown(company.days), ['2026-03-11..2026-03-12', '2026-03-16..2026-03-17']);
    const christmas = holidayDays(calendar, 'christmas', YEAR_2026.from, YEAR_2026.to);
    assert.deepEqual(shown(christmas.days), ['2026-12-24..2026-12-26']);
  });

  it("are dates of the schedule's zone: all-day dates stay, a timed event moves", () => {
    const calendar = parseCalendar(HOLIDAYS, 'America/New_York');
    const from = Date.parse('2026-03-01T05:00:00Z');
    const to = Date.parse('2026-04-01T04:00:00Z');
    const { days } = holidayDays(calendar, '', from, to);
    // 22:00 to 02:00 in Berlin is 17:00 to 21:00 in New York, on the 11th only.
    assert.deepEqual(shown(days), ['2026-03-08', '2026-03-11', '2026-03-16..2026-03-17']);
  });

  it('recurring holidays repeat in every year of the window from their first', () => {
    const calendar = parseCalendar(HOLIDAYS, 'Europe/Berlin');
    const window = holidayHorizon(Date.parse('2026-06-15T12:00:00Z'), 'Europe/Berlin');
    const { days } = holidayDays(calendar, 'new year', window.from, window.to);
    assert.deepEqual(
      shown(days),
      ['2026', '2027', '2028', '2029', '2030'].map((year) => `${year}-01-01`),
    );
  });

  it('the window runs from the start of last year to the end of the fourth year ahead', () => {
    const window = holidayHorizon(Date.parse('2026-12-31T23:30:00Z'), 'Europe/Berlin');
    // Already 2027 in Berlin.
    assert.equal(formatInZone(window.from, 'Europe/Berlin'), '2026-01-01T00:00:00+01:00');
    assert.equal(formatInZone(window.to, 'Europe/Berlin'), '2032-01-01T00:00:00+01:00');
  });

  it('are worked out in a process of their own, which reports a text that is not iCalendar', async () => {
    const signal = new AbortController().signal;
    const request = { text: HOLIDAYS, timezone: 'Europe/Berlin', filter: 'public', ...YEAR_2026 };
    const { days } = await planHolidayDays(request, signal);
    assert.deepEqual(shown(days), [
      '2026-01-01',
      '2026-03-08',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-12-24..2026-12-26',
    ]);
    await assert.rejects(
      planHolidayDays({ ...request, text: 'Subject: not a calendar' }, signal),
      /not an iCalendar file/,
    );
  });
});
