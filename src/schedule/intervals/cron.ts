import { Cron } from 'croner';
import type { FieldIssue } from '../../domain/errors.ts';
import { epochDay } from '../calendar.ts';
import { NEVER, type OccurrenceSource, type ScheduleContext } from '../occurrence-source.ts';
import { calendarSource } from './calendar-source.ts';
import { cronDayRule, parseCronFields } from './cron-fields.ts';
import { wallClockSource } from './wall-clock-timeline.ts';
import { coerceError } from '../../domain/coerce-error.ts';

/**
 * A cron expression (5 fields, or 6 with seconds first) read in the schedule's zone;
 * when both day of month and day of week are restricted (anything but a bare * or ?),
 * a day matching either fires, as in croner. croner checks the
 * syntax. The plain syntax runs on our calendar rules; L, W and # run on croner over
 * the wall-clock timeline. Either way the zone's gaps and repeats are ours to apply.
 */
export function cronSource(
  expression: string,
  context: ScheduleContext,
  path: string,
  issues: FieldIssue[],
): OccurrenceSource {
  let cron: Cron;
  try {
    cron = new Cron(expression, { utcOffset: 0, paused: true, mode: '5-or-6-parts' });
  } catch (error) {
    issues.push({ path, message: `not a cron expression: ${coerceError(error).message}` });
    return NEVER;
  }
  const fields = parseCronFields(expression);
  if (fields) {
    return calendarSource(cronDayRule(fields, epochDay(context.start)), fields.times, context);
  }
  // croner searches up to years for L, W and # (30W in February: about 35 ms a call).
  return wallClockSource((afterWallMs, budget) => {
    budget.spend();
    return cron.nextRun(new Date(afterWallMs))?.getTime() ?? null;
  }, context);
}
