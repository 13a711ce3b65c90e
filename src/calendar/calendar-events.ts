// The events of an iCalendar (RFC 5545) text as instants: a pure parse layer under the
// calendar trigger. No I/O and no clock: the caller gives the text, the zone floating times are
// read in, and the window.
import ICAL from 'ical.js';
import { epochDay, type PlainDate } from '../schedule/calendar.ts';
import { canonicalZone, instantOf, localOf } from '../schedule/zone.ts';

/** How much one calendar may make this server do. */
export interface CalendarLimits {
  /** The largest text parsed, in bytes (UTF-8). */
  maxBytes: number;
  /** The most events (VEVENTs, overrides included) in one calendar. */
  maxEvents: number;
  /** The most occurrences one window may hold. */
  maxOccurrences: number;
  /** The most repetitions of one recurring event walked through to reach a window. */
  maxRepetitions: number;
  /** The most repetitions of all events together, for one window (a budget of work). */
  maxTotalRepetitions: number;
}

/** The limits the calendar trigger applies. */
export const CALENDAR_LIMITS: CalendarLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxEvents: 20_000,
  maxOccurrences: 5_000,
  maxRepetitions: 50_000,
  maxTotalRepetitions: 200_000,
};

/** A calendar text that cannot be read, or that asks for more than the limits allow. */
export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** One occurrence of an event: a single event, or one instance of a recurring one. */
export interface CalendarOccurrence {
  uid: string;
  /**
   * The instance of a recurring event this is (its original start: ISO instant, or the date of
   * an all-day event), also for an instance that an override moved; null for a single event.
   */
  recurrenceId: string | null;
  /** Epoch ms; an all-day event starts at midnight of its first day in the floating zone. */
  start: number;
  /** Epoch ms (exclusive); an all-day event ends at midnight after its last day. */
  end: number;
  allDay: boolean;
  summary: string;
  location: string;
  description: string;
  categories: string[];
}

/** A recurring event (or a single one) with the overrides of its instances (RECURRENCE-ID). */
interface EventSeries {
  uid: string;
  master: ICAL.Component | null;
  /** Overrides by the instant of the instance they replace. */
  overrides: Map<number, ICAL.Component>;
}

/** A calendar's events, parsed and grouped by UID, ready to expand into any window. */
export interface ParsedCalendar {
  readonly series: readonly EventSeries[];
  /** The zone of floating times and all-day dates (the task's). */
  readonly floatingZone: string;
  /** What was left out and why (an event without a start, a rule that cannot be read). */
  readonly problems: readonly string[];
}

/** Which instant of an occurrence a window selects by. */
export type OccurrenceEdge = 'start' | 'end';

/** Occurrences whose edge (start or end) lies in [from, to), epoch ms. */
export interface OccurrenceWindow {
  from: number;
  to: number;
  edge: OccurrenceEdge;
}

/** The occurrences of a window, in order, and what was left out of it. */
export interface ExpandedWindow {
  occurrences: CalendarOccurrence[];
  problems: string[];
}

/** How an event names itself in a message. */
function nameOf(event: ICAL.Component): string {
  const summary = textOf(event, 'summary');
  const uid = textOf(event, 'uid');
  return summary === '' ? `the event ${uid || '(no UID)'}` : `the event '${summary}'`;
}

function textOf(component: ICAL.Component, name: string): string {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' ? value : '';
}

/** The zone a time's wall clock is read in: its own known definition, else its TZID, else floating. */
function instantOfTime(time: ICAL.Time, tzid: string | null, floatingZone: string): number {
  const zone = time.zone;
  if (time.isDate) return midnight(time, floatingZone);
  // UTC, or a VTIMEZONE of the file (Outlook's "W. Europe Standard Time", a custom one).
  if (zone && (zone.tzid === 'UTC' || zone.component)) return time.toUnixTime() * 1000;
  // A TZID without a definition in the file: an IANA name is read as such, else as floating.
  const named = tzid === null ? null : canonicalZone(tzid);
  const wall = {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
  return instantOf(wall, named ?? floatingZone);
}

function midnight(date: PlainDate, zone: string): number {
  return instantOf(
    { year: date.year, month: date.month, day: date.day, hour: 0, minute: 0, second: 0 },
    zone,
  );
}

/** A date-time property's value and the instant it names, or null when it is missing. */
function timeProperty(
  event: ICAL.Component,
  name: string,
  floatingZone: string,
): { time: ICAL.Time; instant: number } | null {
  const property = event.getFirstProperty(name);
  const value = property?.getFirstValue();
  if (!property || !(value instanceof ICAL.Time)) return null;
  const tzid = property.getParameter('tzid');
  return {
    time: value,
    instant: instantOfTime(value, typeof tzid === 'string' ? tzid : null, floatingZone),
  };
}

/** An event's start, and its length: in days for an all-day event, else in ms. */
interface EventSpan {
  start: ICAL.Time;
  tzid: string | null;
  startMs: number;
  allDay: boolean;
  days: number;
  ms: number;
}

function spanOf(event: ICAL.Component, floatingZone: string): EventSpan {
  const property = event.getFirstProperty('dtstart');
  const start = timeProperty(event, 'dtstart', floatingZone);
  if (!property || !start) throw new CalendarError(`${nameOf(event)} has no start (DTSTART)`);
  const tzid = property.getParameter('tzid');
  const allDay = start.time.isDate;
  const end = timeProperty(event, 'dtend', floatingZone);
  const duration = event.getFirstPropertyValue('duration');
  let ms = 0;
  if (end) ms = end.instant - start.instant;
  else if (duration instanceof ICAL.Duration) ms = duration.toSeconds() * 1000;
  else if (allDay) ms = 86_400_000;
  if (ms < 0) throw new CalendarError(`${nameOf(event)} ends before it starts`);
  const days =
    allDay && end?.time.isDate
      ? epochDay(end.time) - epochDay(start.time)
      : Math.max(1, Math.round(ms / 86_400_000));
  return {
    start: start.time,
    tzid: typeof tzid === 'string' ? tzid : null,
    startMs: start.instant,
    allDay,
    days,
    ms,
  };
}

function isCancelled(event: ICAL.Component): boolean {
  return textOf(event, 'status').toUpperCase() === 'CANCELLED';
}

function categoriesOf(event: ICAL.Component): string[] {
  return event
    .getAllProperties('categories')
    .flatMap((property): unknown[] => property.getValues())
    .filter((value): value is string => typeof value === 'string' && value !== '');
}

/** The occurrence an event's component gives, starting at startMs. */
function occurrenceOf(
  event: ICAL.Component,
  span: EventSpan,
  startMs: number,
  recurrenceId: string | null,
  floatingZone: string,
): CalendarOccurrence {
  const end = span.allDay ? midnightAfterDays(startMs, span.days, floatingZone) : startMs + span.ms;
  return {
    uid: textOf(event, 'uid'),
    recurrenceId,
    start: startMs,
    end,
    allDay: span.allDay,
    summary: textOf(event, 'summary'),
    location: textOf(event, 'location'),
    description: textOf(event, 'description'),
    categories: categoriesOf(event),
  };
}

/** Midnight `days` days after the local date of startMs: all-day spans keep their dates across DST. */
function midnightAfterDays(startMs: number, days: number, zone: string): number {
  const local = localOf(startMs, zone);
  const shifted = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return midnight(
    { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() },
    zone,
  );
}

/** How an instance is named: its date for all-day events, else its ISO instant. */
function instanceId(time: ICAL.Time, instant: number): string {
  if (!time.isDate) return new Date(instant).toISOString();
  const pad = (n: number, size = 2) => String(n).padStart(size, '0');
  return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
}

/** The root VCALENDAR of the text; throws CalendarError for what is not iCalendar. */
function rootOf(text: string, limits: CalendarLimits): ICAL.Component {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new CalendarError(
      `the calendar is ${bytes} bytes, more than the ${limits.maxBytes} bytes this server reads`,
    );
  }
  const body = text.replace(/^\uFEFF/, '').trim();
  if (!/^BEGIN:VCALENDAR\b/i.test(body)) {
    throw new CalendarError(
      'this is not an iCalendar file: it does not begin with BEGIN:VCALENDAR',
    );
  }
  let parsed: unknown;
  try {
    parsed = ICAL.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CalendarError(`the calendar is not valid iCalendar: ${reason}`);
  }
  // Several calendars in one text: the first counts (a feed holds one).
  const first: unknown =
    Array.isArray(parsed) && typeof parsed[0] !== 'string' ? parsed[0] : parsed;
  const root = new ICAL.Component(first as unknown[]);
  if (root.name !== 'vcalendar') {
    throw new CalendarError(
      `the calendar is not valid iCalendar: it holds a ${root.name.toUpperCase()}`,
    );
  }
  return root;
}

/** Adds an event to its UID's series: as the master, or as an override of one instance. */
function addEvent(
  byUid: Map<string, EventSeries>,
  event: ICAL.Component,
  floatingZone: string,
): void {
  const uid = textOf(event, 'uid');
  const series = byUid.get(uid) ?? { uid, master: null, overrides: new Map() };
  byUid.set(uid, series);
  const recurrence = timeProperty(event, 'recurrence-id', floatingZone);
  if (recurrence) series.overrides.set(recurrence.instant, event);
  else if (series.master === null) series.master = event;
  else {
    // The same UID twice without RECURRENCE-ID: two events (some exports do this).
    byUid.set(`${uid}\u0000${byUid.size}`, { uid, master: event, overrides: new Map() });
  }
}

/**
 * Parses an iCalendar text into its events, grouped by UID with their overrides. Floating times
 * and all-day dates are read in floatingZone (an IANA zone). Throws CalendarError for a text
 * that is not iCalendar or exceeds the limits.
 */
export function parseCalendar(
  text: string,
  floatingZone: string,
  limits: CalendarLimits = CALENDAR_LIMITS,
): ParsedCalendar {
  const root = rootOf(text, limits);
  const events = root.getAllSubcomponents('vevent');
  if (events.length > limits.maxEvents) {
    throw new CalendarError(
      `the calendar has ${events.length} events, more than the ${limits.maxEvents} this server reads`,
    );
  }
  const byUid = new Map<string, EventSeries>();
  const problems: string[] = [];
  for (const event of events) {
    try {
      addEvent(byUid, event, floatingZone);
    } catch (error) {
      problems.push(`${nameOf(event)} is left out: ${messageOf(error)}`);
    }
  }
  return { series: [...byUid.values()], floatingZone, problems };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether the occurrence's chosen edge lies in the window. */
function inWindow(occurrence: CalendarOccurrence, window: OccurrenceWindow): boolean {
  const at = window.edge === 'start' ? occurrence.start : occurrence.end;
  return at >= window.from && at < window.to;
}

/** The instances of a recurring master in the window, overridden ones left to their overrides. */
function masterInstances(
  series: EventSeries,
  master: ICAL.Component,
  window: OccurrenceWindow,
  calendar: ParsedCalendar,
  limits: CalendarLimits,
  budget: { left: number },
): CalendarOccurrence[] {
  const span = spanOf(master, calendar.floatingZone);
  const isRecurring = master.hasProperty('rrule') || master.hasProperty('rdate');
  if (!isRecurring) {
    const single = occurrenceOf(master, span, span.startMs, null, calendar.floatingZone);
    return inWindow(single, window) ? [single] : [];
  }
  const expansion = new ICAL.RecurExpansion({ component: master, dtstart: span.start });
  const found: CalendarOccurrence[] = [];
  for (let steps = 0; ; steps++) {
    if (steps >= limits.maxRepetitions) {
      throw new CalendarError(
        `it repeats more than ${limits.maxRepetitions} times before ${new Date(window.to).toISOString()}`,
      );
    }
    if (--budget.left < 0) {
      throw new CalendarError(
        `the calendar's events repeat more than ${limits.maxTotalRepetitions} times in all before ${new Date(window.to).toISOString()}`,
      );
    }
    const next = expansion.next();
    if (!next) break;
    const startMs = instantOfTime(next, span.tzid, calendar.floatingZone);
    if (startMs >= window.to) break;
    if (series.overrides.has(startMs)) continue;
    const id = instanceId(next, startMs);
    const occurrence = occurrenceOf(master, span, startMs, id, calendar.floatingZone);
    if (inWindow(occurrence, window)) found.push(occurrence);
  }
  return found;
}

/** An override's own occurrence (at its own, possibly moved, time). */
function overrideInstance(
  override: ICAL.Component,
  window: OccurrenceWindow,
  calendar: ParsedCalendar,
): CalendarOccurrence[] {
  if (isCancelled(override)) return [];
  const span = spanOf(override, calendar.floatingZone);
  const recurrence = timeProperty(override, 'recurrence-id', calendar.floatingZone);
  const id = recurrence ? instanceId(recurrence.time, recurrence.instant) : null;
  const occurrence = occurrenceOf(override, span, span.startMs, id, calendar.floatingZone);
  return inWindow(occurrence, window) ? [occurrence] : [];
}

/** The occurrences of one series in the window. */
function seriesInstances(
  series: EventSeries,
  window: OccurrenceWindow,
  calendar: ParsedCalendar,
  limits: CalendarLimits,
  budget: { left: number },
): CalendarOccurrence[] {
  const found: CalendarOccurrence[] = [];
  const { master } = series;
  if (master && !isCancelled(master)) {
    found.push(...masterInstances(series, master, window, calendar, limits, budget));
  }
  for (const override of series.overrides.values()) {
    found.push(...overrideInstance(override, window, calendar));
  }
  return found;
}

/** Orders occurrences by the window's edge, then UID and instance, so every node sees one order. */
function byEdge(edge: OccurrenceEdge) {
  return (a: CalendarOccurrence, b: CalendarOccurrence) =>
    (edge === 'start' ? a.start - b.start : a.end - b.end) ||
    (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0) ||
    ((a.recurrenceId ?? '') < (b.recurrenceId ?? '') ? -1 : 1);
}

/**
 * The occurrences whose start (or end) lies in [from, to): recurrences (RRULE, RDATE) expanded,
 * EXDATEs and cancelled instances left out, overridden instances (RECURRENCE-ID) at their new
 * time. An event that cannot be expanded is left out and named in problems; more occurrences
 * than the limit throw CalendarError.
 */
export function occurrencesBetween(
  calendar: ParsedCalendar,
  window: OccurrenceWindow,
  limits: CalendarLimits = CALENDAR_LIMITS,
): ExpandedWindow {
  const occurrences: CalendarOccurrence[] = [];
  const problems: string[] = [];
  const budget = { left: limits.maxTotalRepetitions };
  for (const series of calendar.series) {
    try {
      occurrences.push(...seriesInstances(series, window, calendar, limits, budget));
    } catch (error) {
      if (budget.left < 0) throw error;
      const event = series.master ?? [...series.overrides.values()][0];
      const name = event ? nameOf(event) : `the event ${series.uid}`;
      problems.push(`${name} is left out: ${messageOf(error)}`);
    }
    if (occurrences.length > limits.maxOccurrences) {
      throw new CalendarError(
        `the calendar has more than ${limits.maxOccurrences} occurrences between ${new Date(window.from).toISOString()} and ${new Date(window.to).toISOString()}`,
      );
    }
  }
  return { occurrences: occurrences.sort(byEdge(window.edge)), problems };
}

/** Whether the summary or a category contains the filter text (any case); an empty filter matches all. */
export function matchesFilter(occurrence: CalendarOccurrence, filter: string): boolean {
  const wanted = filter.trim().toLocaleLowerCase();
  if (wanted === '') return true;
  return [occurrence.summary, ...occurrence.categories].some((text) =>
    text.toLocaleLowerCase().includes(wanted),
  );
}
