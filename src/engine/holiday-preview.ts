import { coerceError } from '../domain/coerce-error.ts';
import { validationError, type FieldIssue } from '../domain/errors.ts';
import type { ReaderContext } from '../plugins/builtin/triggers/calendar-source.ts';
import type { RunLogger } from '../plugins/run-context.ts';
import type { TriggerHost } from '../plugins/run-host.ts';
import {
  calendarExcludesOf,
  calendarKey,
  isCalendarExclude,
  type CalendarDays,
  type DayRange,
} from '../schedule/holiday-exclusions.ts';
import type { ScheduleInput } from '../schedule/schedule-schema.ts';
import { daysOfText, readerOf } from './holiday-reading.ts';

const SILENT: RunLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The days of the holiday calendars a schedule (one its schema accepted) excludes, read once, as
 * a preview shows them: its files checked against the allowed folders, its feeds fetched with
 * the network policy. Throws VALIDATION_FAILED naming each calendar that cannot be read.
 */
export async function readHolidayCalendarsOnce(
  raw: unknown,
  defaultZone: string,
  host: TriggerHost,
  now: number,
): Promise<CalendarDays> {
  const context: ReaderContext = { host, log: SILENT, setTimer: () => () => {} };
  const signal = new AbortController().signal;
  const found = new Map<string, readonly DayRange[]>();
  const issues: FieldIssue[] = [];
  const exclude = (raw as ScheduleInput).exclude ?? [];
  await Promise.all(
    exclude.map(async (entry, i) => {
      if (!isCalendarExclude(entry)) return;
      const [calendar] = calendarExcludesOf({ ...(raw as object), exclude: [entry] }, defaultZone);
      if (!calendar) return;
      try {
        const text = (await readerOf(calendar, context).read(signal)) ?? '';
        found.set(calendarKey(calendar), (await daysOfText(calendar, text, now, signal)).days);
      } catch (error) {
        const field = 'file' in entry.calendar ? 'file' : 'url';
        const message = `cannot be read: ${coerceError(error).message}`;
        issues.push({ path: `/exclude/${i}/calendar/${field}`, message });
      }
    }),
  );
  if (issues.length > 0) throw validationError(issues);
  return (entry, zone) => found.get(calendarKey({ entry, zone })) ?? [];
}
