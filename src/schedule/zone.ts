import { Temporal } from 'temporal-polyfill';
import type { PlainDateTime } from './calendar.ts';

// Temporal stays inside this file: the rest of the module works with plain numbers.

/** True when the runtime knows this IANA time zone (a fixed offset such as +01:00 is not one). */
export function isKnownZone(zone: string): boolean {
  if (/^[+-]/.test(zone)) return false;
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant (epoch ms) of a wall-clock time in a zone. A time in a spring-forward gap
 * is read with the offset before the gap (02:30 in a 02:00-03:00 gap becomes 03:30);
 * a time that occurs twice is the earlier one. That is RFC 5545's rule, and Temporal's
 * "compatible" disambiguation.
 */
export function instantOf(local: PlainDateTime, zone: string): number {
  return new Temporal.PlainDateTime(
    local.year,
    local.month,
    local.day,
    local.hour,
    local.minute,
    local.second,
  ).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/** The wall-clock date and time of an instant in a zone. */
export function localOf(epochMs: number, zone: string): PlainDateTime {
  const zoned = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone);
  return {
    year: zoned.year,
    month: zoned.month,
    day: zoned.day,
    hour: zoned.hour,
    minute: zoned.minute,
    second: zoned.second,
  };
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-03-29T03:30:00+02:00. */
export function formatInZone(epochMs: number, zone: string): string {
  const zoned = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone);
  return zoned.toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

const transitionsByZoneYear = new Map<string, number[]>();

/** The instants (epoch ms) at which the zone's offset changes during a UTC year; cached. */
function transitionsOfYear(zone: string, year: number): number[] {
  const key = `${zone}|${year}`;
  const cached = transitionsByZoneYear.get(key);
  if (cached) return cached;
  const end = Date.UTC(year + 1, 0, 1);
  const found: number[] = [];
  let cursor: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(
    Date.UTC(year, 0, 1) - 1,
  ).toZonedDateTimeISO(zone);
  while ((cursor = cursor.getTimeZoneTransition('next')) && cursor.epochMilliseconds < end) {
    found.push(cursor.epochMilliseconds);
  }
  transitionsByZoneYear.set(key, found);
  return found;
}

/** True when the zone changes its offset within windowMs of the instant. */
export function isNearTransition(epochMs: number, zone: string, windowMs: number): boolean {
  const from = epochMs - windowMs;
  const to = epochMs + windowMs;
  const firstYear = new Date(from).getUTCFullYear();
  const lastYear = new Date(to).getUTCFullYear();
  for (let year = firstYear; year <= lastYear; year++) {
    if (transitionsOfYear(zone, year).some((at) => at > from && at <= to)) return true;
  }
  return false;
}
