import { Temporal } from 'temporal-polyfill';
import { dateTimeOfUtcMs, type PlainDateTime } from './calendar.ts';

// Temporal stays inside this file, and is asked only for each zone's offset changes,
// once per zone and year. Conversions are then integer arithmetic on cached segments.

/** From `from` (epoch ms) until the next segment's start, the zone is offsetMs ahead of UTC. */
interface Segment {
  from: number;
  offsetMs: number;
}

/** Wider than any UTC offset (±14 h) plus any single shift: segments this close can matter. */
const REACH_MS = 40 * 3_600_000;

/** A zone's segments for the years loaded so far, in order. */
interface ZoneSegments {
  years: Set<number>;
  list: Segment[];
}

const segmentsByZone = new Map<string, ZoneSegments>();
/** Zones whose segments are kept, the least recently used dropped first (a zone's full range is ~1 MB). */
const MAX_CACHED_ZONES = 64;

function offsetOf(zoned: Temporal.ZonedDateTime): number {
  return zoned.offsetNanoseconds / 1_000_000;
}

/** The segments that begin in a UTC year, the first at the year's start. */
function loadYear(zone: string, year: number): Segment[] {
  const yearStart = Date.UTC(year, 0, 1);
  const yearEnd = Date.UTC(year + 1, 0, 1);
  let cursor: Temporal.ZonedDateTime | null =
    Temporal.Instant.fromEpochMilliseconds(yearStart).toZonedDateTimeISO(zone);
  const segments: Segment[] = [{ from: yearStart, offsetMs: offsetOf(cursor) }];
  while ((cursor = cursor.getTimeZoneTransition('next')) && cursor.epochMilliseconds < yearEnd) {
    segments.push({ from: cursor.epochMilliseconds, offsetMs: offsetOf(cursor) });
  }
  return segments;
}

let mostRecentZone: string | undefined;

/** The cache entry of a zone, marked as the most recently used (the oldest is dropped when full). */
function zoneSegments(zone: string): ZoneSegments {
  let known = segmentsByZone.get(zone);
  if (known && zone === mostRecentZone) return known;
  if (known) {
    segmentsByZone.delete(zone);
  } else {
    known = { years: new Set(), list: [] };
    const oldest =
      segmentsByZone.size >= MAX_CACHED_ZONES ? segmentsByZone.keys().next() : undefined;
    if (oldest && !oldest.done) segmentsByZone.delete(oldest.value);
  }
  segmentsByZone.set(zone, known);
  mostRecentZone = zone;
  return known;
}

/** The zone's segments, with every year from `from` to `to` loaded (once per zone and year). */
function segmentsCovering(zone: string, from: number, to: number): Segment[] {
  const known = zoneSegments(zone);
  const lastYear = new Date(to).getUTCFullYear();
  for (let year = new Date(from).getUTCFullYear(); year <= lastYear; year++) {
    if (known.years.has(year)) continue;
    known.years.add(year);
    const segments = loadYear(zone, year);
    // Years do not overlap: the new ones go in where their year begins.
    known.list.splice(insertionPoint(known.list, segments[0]?.from ?? 0), 0, ...segments);
  }
  return known.list;
}

/** Where a segment starting at `from` belongs in an ordered list. */
function insertionPoint(segments: readonly Segment[], from: number): number {
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((segments[middle]?.from ?? Infinity) < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Index of the segment in force at an instant (the last one starting at or before it). */
function indexAt(segments: readonly Segment[], epochMs: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((segments[middle]?.from ?? Infinity) <= epochMs) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The change of offset in force at an instant: the segment that started it and the one
 * before, skipping the year-start segments that repeat the previous offset.
 */
function changeAt(
  segments: readonly Segment[],
  epochMs: number,
): { before: Segment; after: Segment } | null {
  let index = indexAt(segments, epochMs);
  while (index > 0 && segments[index]?.offsetMs === segments[index - 1]?.offsetMs) index--;
  const after = segments[index];
  const before = segments[index - 1];
  return after && before ? { before, after } : null;
}

/** The zone's offset from UTC at an instant. */
function offsetAt(epochMs: number, zone: string): number {
  const segments = segmentsCovering(zone, epochMs, epochMs);
  return segments[indexAt(segments, epochMs)]?.offsetMs ?? 0;
}

/**
 * The standard spelling of an IANA time zone ("europe/berlin" → "Europe/Berlin"), or
 * null when the runtime does not know it (a fixed offset such as +01:00 is not one).
 */
export function canonicalZone(zone: string): string | null {
  if (/^[+-]/.test(zone)) return null;
  try {
    return Temporal.Now.instant().toZonedDateTimeISO(zone).timeZoneId;
  } catch {
    return null;
  }
}

/**
 * The instant (epoch ms) of a wall-clock time in a zone. A time in a spring-forward gap
 * is read with the offset before the gap (02:30 in a 02:00-03:00 gap becomes 03:30);
 * a time that occurs twice is the earlier one. That is RFC 5545's rule, and Temporal's
 * "compatible" disambiguation.
 */
export function instantOf(local: PlainDateTime, zone: string): number {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  const segments = segmentsCovering(zone, wall - REACH_MS, wall + REACH_MS);
  const first = indexAt(segments, wall - REACH_MS);
  const last = indexAt(segments, wall + REACH_MS);
  let earliest: number | null = null;
  for (let i = first; i <= last; i++) {
    const segment = segments[i];
    if (!segment) continue;
    const instant = wall - segment.offsetMs;
    const until = segments[i + 1]?.from ?? Infinity;
    if (instant >= segment.from && instant < until && (earliest === null || instant < earliest))
      earliest = instant;
  }
  if (earliest !== null) return earliest;
  // In a gap no offset reads the wall time into its own segment: use the offset before the gap.
  for (let i = first; i < last; i++) {
    const segment = segments[i];
    const next = segments[i + 1];
    if (!segment || !next || next.offsetMs <= segment.offsetMs) continue;
    const instant = wall - segment.offsetMs;
    if (instant >= next.from && instant < next.from + (next.offsetMs - segment.offsetMs))
      return instant;
  }
  return wall - offsetAt(wall, zone);
}

/** The wall-clock date and time of an instant in a zone. */
export function localOf(epochMs: number, zone: string): PlainDateTime {
  return dateTimeOfUtcMs(epochMs + offsetAt(epochMs, zone));
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-03-29T03:30:00+02:00. */
export function formatInZone(epochMs: number, zone: string): string {
  const offsetSeconds = Math.round(offsetAt(epochMs, zone) / 1000);
  const local = new Date(epochMs + offsetSeconds * 1000).toISOString().slice(0, 19);
  const sign = offsetSeconds < 0 ? '-' : '+';
  const size = Math.abs(offsetSeconds);
  const [hours, minutes, seconds] = [
    Math.floor(size / 3600),
    Math.floor(size / 60) % 60,
    size % 60,
  ].map((n) => String(n).padStart(2, '0'));
  // A few zones kept offsets with seconds (Africa/Monrovia until 1972), as Temporal prints them.
  return `${local}${sign}${hours}:${minutes}${seconds === '00' ? '' : `:${seconds}`}`;
}

/** A spring-forward gap in wall time: walls in [startWall, endWall) do not exist. */
export interface Gap {
  startWall: number;
  endWall: number;
  /** The offset before the gap, which reads its walls (RFC 5545 §3.3.5). */
  offsetBefore: number;
}

/** The gap a wall time (wall ms, see wallMsOf) falls in, or null when it exists. */
export function gapOf(wallMs: number, zone: string): Gap | null {
  const segments = segmentsCovering(zone, wallMs - REACH_MS, wallMs + REACH_MS);
  const last = indexAt(segments, wallMs + REACH_MS);
  for (let i = indexAt(segments, wallMs - REACH_MS); i < last; i++) {
    const before = segments[i];
    const after = segments[i + 1];
    if (!before || !after || after.offsetMs <= before.offsetMs) continue;
    const gap = {
      startWall: after.from + before.offsetMs,
      endWall: after.from + after.offsetMs,
      offsetBefore: before.offsetMs,
    };
    if (wallMs >= gap.startWall && wallMs < gap.endWall) return gap;
  }
  return null;
}

/**
 * When the instant is in the second copy of a repeated hour, the wall (wall ms) where
 * the repeat ends: walls before it map to the first copy, before the instant. Else null.
 */
export function foldEndAfter(epochMs: number, zone: string): number | null {
  const change = changeAt(segmentsCovering(zone, epochMs - REACH_MS, epochMs), epochMs);
  if (!change || change.after.offsetMs >= change.before.offsetMs) return null;
  const { before, after } = change;
  return epochMs < after.from + (before.offsetMs - after.offsetMs)
    ? after.from + before.offsetMs
    : null;
}

/**
 * The gap whose shifted walls land just after the instant: when the instant lies less
 * than a gap's length after the clocks jumped, walls in that gap map after it.
 */
export function gapBehind(epochMs: number, zone: string): Gap | null {
  const change = changeAt(segmentsCovering(zone, epochMs - REACH_MS, epochMs), epochMs);
  if (!change || change.after.offsetMs <= change.before.offsetMs) return null;
  const { before, after } = change;
  const length = after.offsetMs - before.offsetMs;
  if (epochMs >= after.from + length) return null;
  return {
    startWall: after.from + before.offsetMs,
    endWall: after.from + after.offsetMs,
    offsetBefore: before.offsetMs,
  };
}
