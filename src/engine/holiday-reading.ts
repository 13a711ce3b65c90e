// How a holiday calendar is read and worked out into days, for the engine and the preview alike.
import { holidayHorizon, type HolidayDays } from '../calendar/holiday-days.ts';
import { planHolidayDays } from '../calendar/plan-fires.ts';
import {
  fileReader,
  urlReader,
  type CalendarReader,
  type ReaderContext,
} from '../plugins/builtin/triggers/calendar-source.ts';
import type { ZonedCalendar } from '../schedule/holiday-exclusions.ts';

/** The days of a holiday calendar's text in the window at now (see holidayHorizon). */
export function daysOfText(
  { entry, zone }: ZonedCalendar,
  text: string,
  now: number,
  signal: AbortSignal,
): Promise<HolidayDays> {
  const request = {
    text,
    timezone: zone,
    filter: entry.filter ?? '',
    ...holidayHorizon(now, zone),
  };
  return planHolidayDays(request, signal);
}

/** A reader of the calendar's source, for what the context may reach. */
export function readerOf({ entry }: ZonedCalendar, context: ReaderContext): CalendarReader {
  const source = entry.calendar;
  return 'file' in source ? fileReader(source.file, context) : urlReader(source, context);
}
