// The process that works out a calendar's fires (or a holiday calendar's days): parsing and
// expanding recurrence rules is synchronous, and a hostile rule (one that never matches) can keep
// ical.js busy for minutes, so it runs here, where the server can stop it (plan-fires.ts), never
// in the server's event loop.
import { coerceError } from '../domain/coerce-error.ts';
import { parseCalendar } from './calendar-events.ts';
import { firesBetween, type PlannedFires } from './calendar-fires.ts';
import { holidayDays, type HolidayDays } from './holiday-days.ts';
import type { PlanAnswer, PlanWork } from './plan-fires.ts';

function plan(work: PlanWork): PlanAnswer<PlannedFires | HolidayDays> {
  try {
    const { request } = work;
    const calendar = parseCalendar(request.text, request.timezone);
    const planned =
      work.kind === 'fires'
        ? firesBetween(calendar, work.request.rule, request.from, request.to)
        : holidayDays(calendar, work.request.filter, request.from, request.to);
    return { ok: true, ...planned, problems: [...calendar.problems, ...planned.problems] };
  } catch (error) {
    return { ok: false, message: coerceError(error).message };
  }
}

process.once('message', (work: PlanWork) => {
  process.send?.(plan(work), () => process.exit(0));
});
