// When a calendar trigger fires for each occurrence, and what each fire passes to its run: pure,
// so that every node that reads the same calendar computes the same fires and keys.
import { formatInZone, localOf } from '../schedule/zone.ts';
import {
  matchesFilter,
  occurrencesBetween,
  type CalendarLimits,
  type CalendarOccurrence,
  type OccurrenceEdge,
  type ParsedCalendar,
  CALENDAR_LIMITS,
} from './calendar-events.ts';

const MINUTE_MS = 60_000;

/** Longest value a placeholder gets (the run parameters' limit). */
const MAX_VALUE_CHARS = 10_000;

/** Which occurrences fire, and when relative to them. */
export interface FireRule {
  /** Fire relative to the start or to the end of each occurrence. */
  fireAt: OccurrenceEdge;
  /** Fire this many minutes before that edge. */
  leadMinutes: number;
  /** Only occurrences whose summary or a category contains this (any case); '' for all. */
  filter: string;
}

/** One fire of the trigger: when, the occurrence key of its run, and what it is for. */
export interface CalendarFire {
  /** Epoch ms. */
  at: number;
  /**
   * The run's occurrence (epoch ms), unique per task and trigger: the fire time plus a
   * sub-second offset that the event's UID and instance give, so that two events at one
   * instant start two runs, while every node computes the same key for the same event.
   */
  key: number;
  occurrence: CalendarOccurrence;
}

/** The fires in [from, to), in order, and the events left out of them (see occurrencesBetween). */
export interface PlannedFires {
  fires: CalendarFire[];
  problems: string[];
}

/** A stable offset in [0, 1000) ms for one event instance (FNV-1a of its UID and instance). */
function subSecondOffset(occurrence: CalendarOccurrence): number {
  let hash = 0x811c9dc5;
  for (const char of `${occurrence.uid}\u0000${occurrence.recurrenceId ?? ''}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 1000;
}

/** Keys for fires in order: the offset key, moved on by 1 ms while another fire holds it. */
function withKeys(
  timed: readonly { at: number; occurrence: CalendarOccurrence }[],
): CalendarFire[] {
  const taken = new Set<number>();
  return timed.map(({ at, occurrence }) => {
    let key = at - (at % 1000) + subSecondOffset(occurrence);
    while (taken.has(key)) key++;
    taken.add(key);
    return { at, key, occurrence };
  });
}

/** The fires whose time lies in [from, to), for the occurrences the rule selects. */
export function firesBetween(
  calendar: ParsedCalendar,
  rule: FireRule,
  from: number,
  to: number,
  limits: CalendarLimits = CALENDAR_LIMITS,
): PlannedFires {
  const leadMs = rule.leadMinutes * MINUTE_MS;
  const window = { from: from + leadMs, to: to + leadMs, edge: rule.fireAt };
  const { occurrences, problems } = occurrencesBetween(calendar, window, limits);
  const timed = occurrences
    .filter((occurrence) => matchesFilter(occurrence, rule.filter))
    .map((occurrence) => ({
      at: (rule.fireAt === 'start' ? occurrence.start : occurrence.end) - leadMs,
      occurrence,
    }));
  return { fires: withKeys(timed), problems };
}

/** An instant as a placeholder shows it: the local date for all-day events, else ISO with offset. */
function shownTime(epochMs: number, allDay: boolean, zone: string): string {
  if (!allDay) return formatInZone(epochMs, zone);
  const { year, month, day } = localOf(epochMs, zone);
  const pad = (n: number, size = 2) => String(n).padStart(size, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The run parameters of a fire: {event.summary}, {event.start} and the others, in the zone. */
export function fireParameters(
  occurrence: CalendarOccurrence,
  zone: string,
): Record<string, string> {
  const cut = (text: string) => text.slice(0, MAX_VALUE_CHARS);
  return {
    'event.uid': cut(occurrence.uid),
    'event.summary': cut(occurrence.summary),
    'event.start': shownTime(occurrence.start, occurrence.allDay, zone),
    'event.end': shownTime(occurrence.end, occurrence.allDay, zone),
    'event.allDay': String(occurrence.allDay),
    'event.location': cut(occurrence.location),
    'event.description': cut(occurrence.description),
    'event.categories': cut(occurrence.categories.join(', ')),
  };
}
