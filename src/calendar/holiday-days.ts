// The days a holiday calendar covers, as a schedule excludes them: pure, so that every node that
// reads the same calendar excludes the same days.
import { epochDay } from '../schedule/calendar.ts';
import { joinedRanges, type DayRange } from '../schedule/holiday-exclusions.ts';
import { instantOf, localOf } from '../schedule/zone.ts';
import {
  CALENDAR_LIMITS,
  matchesFilter,
  occurrencesBetween,
  type CalendarLimits,
  type CalendarOccurrence,
  type ParsedCalendar,
} from './calendar-events.ts';

/** How many years before this one a holiday calendar's events are read from. */
export const YEARS_BACK = 1;
/** How many years after this one they are read to (through its last day). */
export const YEARS_AHEAD = 4;

/**
 * The window of a holiday calendar's events at now, in the zone: from the start of last year to
 * the end of the fourth year after this one. Whole years, so that it moves only at a new year.
 */
export function holidayHorizon(now: number, zone: string): { from: number; to: number } {
  const { year } = localOf(now, zone);
  const newYear = (of: number) =>
    instantOf({ year: of, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, zone);
  return { from: newYear(year - YEARS_BACK), to: newYear(year + YEARS_AHEAD + 1) };
}

/** The local dates an occurrence touches: an all-day event its dates, a timed one each it spans. */
function daysOf(occurrence: CalendarOccurrence, zone: string): DayRange {
  const from = epochDay(localOf(occurrence.start, zone));
  // The end is exclusive: an event that ends at midnight does not touch the day it begins.
  const last = Math.max(occurrence.start, occurrence.end - 1);
  return { from, to: Math.max(from, epochDay(localOf(last, zone))) };
}

/** The days of a calendar, and the events left out of them (see occurrencesBetween). */
export interface HolidayDays {
  days: DayRange[];
  problems: string[];
}

/**
 * The days (local dates in the calendar's floating zone, the schedule's) covered by the
 * occurrences that start in [from, to) and match the filter (summary or a category, any case).
 */
export function holidayDays(
  calendar: ParsedCalendar,
  filter: string,
  from: number,
  to: number,
  limits: CalendarLimits = CALENDAR_LIMITS,
): HolidayDays {
  const window = { from, to, edge: 'start' as const };
  const { occurrences, problems } = occurrencesBetween(calendar, window, limits);
  const days = occurrences
    .filter((occurrence) => matchesFilter(occurrence, filter))
    .map((occurrence) => daysOf(occurrence, calendar.floatingZone));
  return { days: joinedRanges(days), problems };
}
