/**
 * The schedule object (the config of a `time` trigger) as the browser edits it. It mirrors
 * src/schedule/schedule-schema.ts; the server validates, so these types stay loose where an
 * edit in progress may be invalid (an empty time, a zero "every").
 */

/** A weekday as the schedule spells it. */
export type WeekdayCode = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

/** The n-th weekday of a month: nth 1 = first, -1 = last. */
export interface NthWeekday {
  weekday: WeekdayCode;
  nth: number;
}

/** A repetition within each day, e.g. every 2 hours from 08:00 to 18:00. */
export interface DayRepeat {
  every: number;
  unit: 'minutes' | 'hours';
  from: string;
  until: string;
}

/** When in a day a calendar interval fires. */
export interface TimesOfDay {
  times?: string[];
  repeat?: DayRepeat;
}

/** Which days of a month (or year) a months/years interval fires on. */
export interface MonthDays {
  months?: number[];
  days?: number[];
  weekdays?: NthWeekday[];
}

/** One way a schedule fires. */
export type Interval =
  | { kind: 'minutes'; every?: number }
  | { kind: 'hours'; every?: number }
  | ({ kind: 'days'; every?: number } & TimesOfDay)
  | ({ kind: 'weeks'; every?: number; weekdays?: WeekdayCode[] } & TimesOfDay)
  | ({ kind: 'months'; every?: number } & MonthDays & TimesOfDay)
  | ({ kind: 'years'; every?: number } & MonthDays & TimesOfDay)
  | { kind: 'once'; at: string }
  | { kind: 'cron'; expression: string }
  | { kind: 'rrule'; rrule: string };

/** The kind of an interval. */
export type IntervalKind = Interval['kind'];

/** An interval of a given kind. */
export type IntervalOf<K extends IntervalKind> = Extract<Interval, { kind: K }>;

/** A calendar interval: fires at times of day. */
export type CalendarInterval = IntervalOf<'days' | 'weeks' | 'months' | 'years'>;

/** A date, or an inclusive range of dates, on which nothing fires. */
/** A holiday calendar whose events' days are excluded: a file in the allowed folders, or a feed. */
export interface CalendarExclusion {
  calendar: { file: string } | { url: string };
  /** Only events whose summary or a category contains this. */
  filter?: string;
}

export type Exclusion = string | { from: string; to: string } | CalendarExclusion;

/** The config of a time trigger. */
export interface Schedule {
  timezone?: string;
  start: string;
  end?: string;
  exclude?: Exclusion[];
  intervals: Interval[];
}

/** The API's answer to POST /schedules/preview. */
export interface SchedulePreviewAnswer {
  occurrences: string[];
  timezone: string;
  description: string;
}

/** Looks up the message for a field of the schedule by JSON pointer (e.g. /intervals/0/every). */
export type ScheduleIssueAt = (path: string) => string | undefined;
