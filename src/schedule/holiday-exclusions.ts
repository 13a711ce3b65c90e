// Exclusions by holiday calendar: the schedule's exclude may name a calendar, whose days are
// read elsewhere (asynchronously, by the engine or the preview) and handed to the compiler as
// plain date ranges. Pure: what a calendar's days are is the caller's answer.
import { canonicalZone } from './zone.ts';
import type { CalendarExcludeInput, ScheduleInput } from './schedule-schema.ts';

/** Epoch days from, to (inclusive). */
export interface DayRange {
  from: number;
  to: number;
}

/**
 * The days a calendar exclusion covers, for a schedule in zone (its local dates), as ranges; may
 * throw when they are not known (the calendar was not read, or cannot be).
 */
export type CalendarDays = (entry: CalendarExcludeInput, zone: string) => readonly DayRange[];

/** Leaves calendar exclusions out: for what needs no fire times (checking a save, describing). */
export const WITHOUT_CALENDARS: CalendarDays = () => [];

type ExcludeEntry = NonNullable<ScheduleInput['exclude']>[number];

export function isCalendarExclude(entry: ExcludeEntry): entry is CalendarExcludeInput {
  return typeof entry === 'object' && 'calendar' in entry;
}

/** A calendar exclusion with the zone its days are local dates of. */
export interface ZonedCalendar {
  entry: CalendarExcludeInput;
  zone: string;
}

/**
 * The calendar exclusions of a schedule object (a time trigger's stored config) with the zone of
 * the schedule; none for a config that is not a schedule or whose zone is unknown.
 */
export function calendarExcludesOf(config: unknown, defaultZone: string): ZonedCalendar[] {
  if (typeof config !== 'object' || config === null) return [];
  const { exclude, timezone } = config as Partial<ScheduleInput>;
  if (!Array.isArray(exclude)) return [];
  const calendars = exclude.filter(isCalendarExclude);
  if (calendars.length === 0) return [];
  const zone = canonicalZone(typeof timezone === 'string' ? timezone : defaultZone);
  return zone === null ? [] : calendars.map((entry) => ({ entry, zone }));
}

/** The filter as it matches: trimmed, any case. */
function filterOf(entry: CalendarExcludeInput): string {
  return (entry.filter ?? '').trim().toLocaleLowerCase();
}

/** What identifies the days of a calendar exclusion: its source, its filter and the zone. */
export function calendarKey({ entry, zone }: ZonedCalendar): string {
  return JSON.stringify([entry.calendar, filterOf(entry), zone]);
}

/** How a calendar is named in words: its file's name, or the last part of its URL. */
export function calendarName(entry: CalendarExcludeInput): string {
  const where = 'file' in entry.calendar ? entry.calendar.file : entry.calendar.url;
  const path = where.split(/[?#]/, 1)[0] ?? where;
  const last = path.replace(/\/+$/, '').split('/').pop();
  return last === undefined || last === '' ? where : last;
}

/** Ranges sorted by start, joined where they touch: 1,000 single days in a row are skipped at once. */
export function joinedRanges(ranges: readonly DayRange[]): DayRange[] {
  const result: DayRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = result[result.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else result.push({ ...range });
  }
  return result;
}
