import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/errors.ts';
import { epochDay } from '../../src/schedule/calendar.ts';
import { compileSchedule } from '../../src/schedule/compile-schedule.ts';
import { describeSchedule } from '../../src/schedule/describe.ts';
import type { CalendarDays, DayRange } from '../../src/schedule/holiday-exclusions.ts';
import { toICalendar } from '../../src/schedule/icalendar.ts';
import { previewSchedule } from '../../src/schedule/preview.ts';

const day = (text: string) => {
  const [year = 0, month = 0, date = 0] = text.split('-').map(Number);
  return epochDay({ year, month, day: date });
};
const range = (from: string, to = from): DayRange => ({ from: day(from), to: day(to) });

const HOLIDAYS = { calendar: { file: '/srv/calendars/holidays.ics' } };
const COMPANY = {
  calendar: { url: 'https://cal.example.org/feeds/company.ics?key=1' },
  filter: 'closed',
};

/** Every weekday at 09:00 in Berlin from Monday 2 March 2026, excluding the given entries. */
function weekdays(exclude: unknown[]) {
  return {
    timezone: 'Europe/Berlin',
    start: '2026-03-02T09:00',
    exclude,
    intervals: [{ kind: 'weeks', weekdays: ['MO', 'TU', 'WE', 'TH', 'FR'] }],
  };
}

/** Answers the days of each calendar by its file or URL, and notes the zones asked for. */
function daysByName(days: Record<string, DayRange[]>, zones: string[] = []): CalendarDays {
  return (entry, zone) => {
    zones.push(zone);
    const where = 'file' in entry.calendar ? entry.calendar.file : entry.calendar.url;
    return days[where] ?? [];
  };
}

describe('a schedule that excludes holiday calendars', () => {
  it('fires on no day the calendars cover, joined with its own dates', () => {
    const zones: string[] = [];
    const calendars = daysByName(
      {
        '/srv/calendars/holidays.ics': [range('2026-03-03'), range('2026-03-05', '2026-03-06')],
        'https://cal.example.org/feeds/company.ics?key=1': [range('2026-03-10')],
      },
      zones,
    );
    const preview = previewSchedule(
      weekdays([HOLIDAYS, '2026-03-04', COMPANY]),
      null,
      4,
      'UTC',
      calendars,
    );
    assert.deepEqual(preview.occurrences, [
      '2026-03-02T09:00:00+01:00',
      '2026-03-09T09:00:00+01:00',
      '2026-03-11T09:00:00+01:00',
      '2026-03-12T09:00:00+01:00',
    ]);
    // Asked in the schedule's own zone, not the default.
    assert.deepEqual([...new Set(zones)], ['Europe/Berlin']);
  });

  it('without their days (a save, a description) the calendars exclude nothing', () => {
    const compiled = compileSchedule(weekdays([HOLIDAYS]), 'UTC');
    assert.equal(compiled.next(compiled.startMs), Date.parse('2026-03-03T08:00:00Z'));
  });

  it('compiling fails as the days fail: a calendar not read is no reason to fire', () => {
    const unread: CalendarDays = () => {
      throw new Error('not read yet');
    };
    assert.throws(() => compileSchedule(weekdays([HOLIDAYS]), 'UTC', unread), /not read yet/);
  });

  it('names at most five calendars', () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ calendar: { file: `/srv/${i}.ics` } }));
    assert.throws(
      () => compileSchedule(weekdays(six), 'UTC'),
      (error: unknown) =>
        error instanceof AppError &&
        error.issues.some(
          (issue) => issue.path === '/exclude' && /more than the 5/.test(issue.message),
        ),
    );
  });

  it('refuses what the schema does not know, under its own path', () => {
    assert.throws(
      () => compileSchedule(weekdays([{ calendar: { file: '/a.ics', url: 'https://x' } }]), 'UTC'),
      (error: unknown) => error instanceof AppError && error.code === 'VALIDATION_FAILED',
    );
  });

  it("is described with the calendars' names and filters", () => {
    assert.equal(
      describeSchedule(weekdays([HOLIDAYS]), 'UTC'),
      'Every week on Monday, Tuesday, Wednesday, Thursday and Friday at 09:00, Europe/Berlin, except on days in holidays.ics',
    );
    assert.equal(
      describeSchedule(weekdays(['2026-12-31', HOLIDAYS, COMPANY]), 'UTC'),
      "Every week on Monday, Tuesday, Wednesday, Thursday and Friday at 09:00, Europe/Berlin, except on 1 excluded date or range, on days in holidays.ics and on days with events containing 'closed' in company.ics",
    );
  });

  it('exports to iCalendar without the days it did not read, and says so', () => {
    const { icalendar, omitted } = toICalendar(weekdays([HOLIDAYS]), 'UTC');
    assert.doesNotMatch(icalendar, /EXDATE/);
    assert.ok(
      omitted.some((note) => note.includes('the days of holidays.ics')),
      omitted.join(),
    );
  });
});
