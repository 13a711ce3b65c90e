import type { Schedule } from '../schedule-types.ts';
import { INTERVAL_KIND_LABELS } from '../schedule-vocabulary.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';
const isOptionalArray = (value: unknown) => value === undefined || Array.isArray(value);

const TEXT_FIELD: Readonly<Record<string, string>> = {
  once: 'at',
  cron: 'expression',
  rrule: 'rrule',
};

function isInterval(value: unknown): boolean {
  if (!isObject(value) || typeof value.kind !== 'string') return false;
  if (!(value.kind in INTERVAL_KIND_LABELS)) return false;
  const text = TEXT_FIELD[value.kind];
  if (text) return typeof value[text] === 'string';
  return (
    isOptionalArray(value.times) &&
    isOptionalArray(value.weekdays) &&
    isOptionalArray(value.days) &&
    isOptionalArray(value.months) &&
    (value.repeat === undefined || isObject(value.repeat))
  );
}

function isCalendarExclusion(value: Record<string, unknown>): boolean {
  const { calendar } = value;
  if (!isObject(calendar) || !isOptionalString(value.filter)) return false;
  return typeof calendar.file === 'string' || typeof calendar.url === 'string';
}

function isExclusion(value: unknown): boolean {
  if (typeof value === 'string') return true;
  return isObject(value) && (typeof value.from === 'string' || isCalendarExclusion(value));
}

/**
 * The config as a schedule the builder can show, or null when it has a shape the builder
 * cannot draw (typed by hand as JSON): then it is edited as JSON, and the server judges it.
 */
export function asSchedule(config: unknown): Schedule | null {
  if (!isObject(config) || typeof config.start !== 'string') return null;
  if (!Array.isArray(config.intervals) || !config.intervals.every(isInterval)) return null;
  if (!isOptionalString(config.timezone) || !isOptionalString(config.end)) return null;
  if (config.exclude !== undefined) {
    if (!Array.isArray(config.exclude) || !config.exclude.every(isExclusion)) return null;
  }
  return config as unknown as Schedule;
}
