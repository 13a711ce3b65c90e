import { isAbsolute } from 'node:path';
import { coerceError } from '../../../domain/coerce-error.ts';
import { AppError, underPath, type FieldIssue } from '../../../domain/errors.ts';
import { QUESTION_MS, ScheduleBudget } from '../../../schedule/budget.ts';
import { compileSchedule, type CompiledSchedule } from '../../../schedule/compile-schedule.ts';
import { describeSchedule } from '../../../schedule/describe.ts';
import { isCalendarExclude } from '../../../schedule/holiday-exclusions.ts';
import { ScheduleSchema, type ScheduleInput } from '../../../schedule/schedule-schema.ts';
import type { FireTimes } from '../../component-kind.ts';
import { defineTrigger } from '../../define-kind.ts';
import { calendarUrl } from './calendar-source.ts';

/**
 * The computing time (ms) the engine allows one next fire time: more than a save allows,
 * so a schedule accepted at save does not end because the server is busy for a moment.
 */
const ENGINE_QUESTION_MS = 4 * QUESTION_MS;

function isTooComplex(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'SCHEDULE_TOO_COMPLEX';
}

/**
 * Fire times for the engine, which must not throw (the claim of every task due with this
 * one would fail): a fire time that needs too much work is not found, and the trigger
 * ends, as one that never fires again.
 */
function fireTimesOf(compiled: CompiledSchedule): FireTimes {
  return (afterMs) => {
    try {
      return compiled.next(afterMs, new ScheduleBudget(ENGINE_QUESTION_MS));
    } catch (error) {
      if (isTooComplex(error)) return null;
      throw error;
    }
  };
}

/** What the schema cannot say of the calendars a schedule excludes: absolute files, https URLs. */
function calendarIssues(config: ScheduleInput, path: string): FieldIssue[] {
  return (config.exclude ?? []).flatMap((entry, i): FieldIssue[] => {
    if (!isCalendarExclude(entry)) return [];
    const at = `${path}/exclude/${i}/calendar`;
    if ('file' in entry.calendar) {
      return isAbsolute(entry.calendar.file)
        ? []
        : [{ path: `${at}/file`, message: 'must be an absolute path' }];
    }
    try {
      calendarUrl(entry.calendar.url);
      return [];
    } catch (error) {
      return [{ path: `${at}/url`, message: coerceError(error).message }];
    }
  });
}

/**
 * Checks a schedule as it is saved. Its first occurrence asks every interval once, so a
 * schedule that needs too much work for one fire time is refused here, with
 * SCHEDULE_TOO_COMPLEX naming the config, rather than stalling the engine later. The days of
 * its holiday calendars are not known yet: they are left out of that first question.
 */
function checkSchedule(config: ScheduleInput, path: string, timezone: string) {
  const calendars = calendarIssues(config, path);
  if (calendars.length > 0) return calendars;
  let compiled: CompiledSchedule;
  try {
    // In the task's zone, as the engine compiles it: a start in a daylight-saving gap moves.
    compiled = compileSchedule(config, timezone);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return [...underPath(error, path).issues];
  }
  try {
    compiled.next(compiled.startMs - 1);
  } catch (error) {
    if (!isTooComplex(error)) throw error;
    throw new AppError(error.code, error.message, { issues: [{ path, message: error.message }] });
  }
  return [];
}

/**
 * The time trigger: its config is a schedule object (see docs/schedules.md). The days of the
 * holiday calendars it excludes come from this process's register: until they are known, its
 * fire times throw HolidayCalendarUnavailable.
 */
export const timeTrigger = defineTrigger({
  kind: 'time',
  title: 'Schedule',
  description: 'Starts the task at the times of a schedule',
  configSchema: ScheduleSchema,
  check: checkSchedule,
  schedule: (config, timezone, calendars) =>
    fireTimesOf(compileSchedule(config, timezone, calendars)),
  describe: (config, timezone) => describeSchedule(config, timezone),
});
