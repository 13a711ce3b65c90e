// The process that works out a calendar's fires: parsing and expanding recurrence rules is
// synchronous, and a hostile rule (one that never matches) can keep ical.js busy for minutes, so
// it runs here, where the server can stop it (plan-fires.ts), never in the server's event loop.
import { coerceError } from '../domain/coerce-error.ts';
import { parseCalendar } from './calendar-events.ts';
import { firesBetween } from './calendar-fires.ts';
import type { PlanAnswer, PlanRequest } from './plan-fires.ts';

function plan(request: PlanRequest): PlanAnswer {
  try {
    const calendar = parseCalendar(request.text, request.timezone);
    const planned = firesBetween(calendar, request.rule, request.from, request.to);
    return {
      ok: true,
      fires: planned.fires,
      problems: [...calendar.problems, ...planned.problems],
    };
  } catch (error) {
    return { ok: false, message: coerceError(error).message };
  }
}

process.once('message', (request: PlanRequest) => {
  process.send?.(plan(request), () => process.exit(0));
});
