// The holiday calendars this process has read, by what identifies their days (source, filter,
// zone): the engine reads them (engine/holiday-calendars.ts) and writes them here; a time
// trigger's fire times, which are computed synchronously, take their days from here.
import { createHash } from 'node:crypto';
import {
  calendarExcludesOf,
  calendarKey,
  calendarName,
  type CalendarDays,
  type DayRange,
} from '../schedule/holiday-exclusions.ts';

/** A holiday calendar whose days are not known: not read yet, or it cannot be read. */
export class HolidayCalendarUnavailable extends Error {
  constructor(
    message: string,
    /** Not read yet (rather than unreadable): its days will be known shortly. */
    readonly pending: boolean,
  ) {
    super(message);
    this.name = 'HolidayCalendarUnavailable';
  }
}

/** What is known of one calendar's days. */
type Known =
  | { state: 'read'; days: readonly DayRange[]; digest: string }
  | { state: 'unreadable'; problem: string };

function digestOf(days: readonly DayRange[]): string {
  return createHash('sha256')
    .update(JSON.stringify(days.map(({ from, to }) => [from, to])))
    .digest('base64url')
    .slice(0, 16);
}

/** The days of holiday calendars as last read (successfully) in this process. */
export class HolidayRegister {
  readonly #known = new Map<string, Known>();

  /**
   * Notes the days a calendar covers; true when they differ from what was known (it was not
   * read, or could not be, or its days changed).
   */
  setDays(key: string, days: readonly DayRange[]): boolean {
    const digest = digestOf(days);
    const before = this.#known.get(key);
    this.#known.set(key, { state: 'read', days, digest });
    return before?.state !== 'read' || before.digest !== digest;
  }

  /**
   * Notes that a calendar cannot be read. Days read before stay in force (a feed that is down
   * for a while does not let its holidays fire); returns whether there are none.
   */
  setUnreadable(key: string, problem: string): boolean {
    if (this.#known.get(key)?.state === 'read') return false;
    this.#known.set(key, { state: 'unreadable', problem });
    return true;
  }

  /** The days of a calendar exclusion; throws HolidayCalendarUnavailable when they are not known. */
  readonly daysOf: CalendarDays = (entry, zone) => {
    const known = this.#known.get(calendarKey({ entry, zone }));
    const name = calendarName(entry);
    if (!known) {
      throw new HolidayCalendarUnavailable(`its holiday calendar ${name} was not read yet`, true);
    }
    if (known.state === 'unreadable') {
      throw new HolidayCalendarUnavailable(
        `its holiday calendar ${name} cannot be read: ${known.problem}`,
        false,
      );
    }
    return known.days;
  };

  /**
   * What a time trigger's fire times depend on besides its config: the days of the calendars
   * it excludes, as known here ('' when it names none).
   */
  digestFor(config: unknown, defaultZone: string): string {
    return calendarExcludesOf(config, defaultZone)
      .map((calendar) => {
        const known = this.#known.get(calendarKey(calendar));
        if (!known) return 'pending';
        return known.state === 'read' ? known.digest : 'unreadable';
      })
      .join(',');
  }
}
