/** Where placeholders get their values: named values, and the zone and instant of {date}/{time}. */
export interface PlaceholderScope {
  values: Readonly<Record<string, unknown>>;
  timezone: string;
  /** The instant {date} and {time} show. */
  at: Date;
}

/** {name} or {name:format}; names are letters, digits, _, - and dots (job.report.rows). */
const PLACEHOLDER = /\{([A-Za-z_][\w-]*(?:\.[\w-]+)*)(?::([^{}]*))?\}/g;

const DEFAULT_FORMATS: Readonly<Record<string, string>> = { date: 'yyyy-MM-dd', time: 'HH:mm' };

const TOKENS = /yyyy|yy|MM|M|dd|d|HH|H|mm|m|ss|s/g;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(at: Date, timezone: string): Record<string, string> {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return Object.fromEntries(formatter.formatToParts(at).map((part) => [part.type, part.value]));
}

/** Formats an instant in a zone with the tokens yyyy yy MM M dd d HH H mm m ss s. */
export function formatInstant(at: Date, timezone: string, format: string): string {
  const parts = partsIn(at, timezone);
  const two = (value: string | undefined) => (value ?? '').padStart(2, '0');
  const token: Record<string, string> = {
    yyyy: parts.year ?? '',
    yy: (parts.year ?? '').slice(-2),
    MM: two(parts.month),
    M: parts.month ?? '',
    dd: two(parts.day),
    d: parts.day ?? '',
    HH: two(parts.hour),
    H: String(Number(parts.hour)),
    mm: two(parts.minute),
    m: String(Number(parts.minute)),
    ss: two(parts.second),
    s: String(Number(parts.second)),
  };
  return format.replace(TOKENS, (match) => token[match] ?? match);
}

/** A value as placeholder text: strings as they are, dates as ISO instants, objects as JSON. */
export function placeholderText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return '';
}

/** The value of one placeholder: a named value, or {date}/{time} formatted; undefined if unknown. */
export function placeholderValue(
  name: string,
  format: string | undefined,
  scope: PlaceholderScope,
): unknown {
  if (Object.hasOwn(scope.values, name)) return scope.values[name];
  if (!Object.hasOwn(DEFAULT_FORMATS, name)) return undefined;
  const defaultFormat = DEFAULT_FORMATS[name] ?? '';
  return formatInstant(scope.at, scope.timezone, format ?? defaultFormat);
}

/**
 * Replaces every {name} (and {date:format}, {time:format}) in template with its value.
 * A placeholder with no value stays as written, so text that merely contains braces survives.
 */
export function fillPlaceholders(template: string, scope: PlaceholderScope): string {
  return template.replace(PLACEHOLDER, (whole, name: string, format: string | undefined) => {
    const value = placeholderValue(name, format, scope);
    return value === undefined ? whole : placeholderText(value);
  });
}

/** The names of the placeholders in template, in order of first appearance. */
export function placeholderNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/** The pattern that finds placeholders, for code that substitutes them some other way (SQL). */
export function placeholderPattern(): RegExp {
  return new RegExp(PLACEHOLDER.source, 'g');
}

/**
 * A name a caller may give a parameter (hook, manual start, next task): letters, digits and
 * _ . -, and nothing under task., run., job. or trigger., which the engine fills itself.
 */
export const PARAMETER_NAME_PATTERN =
  '^(?!(?:task|run|job|trigger)(?:\\.|$))[A-Za-z_][A-Za-z0-9_.-]{0,63}$';

/** Names under task., run., job. and trigger.: the engine's own, never a caller's parameter. */
const RESERVED_NAME = /^(?:task|run|job|trigger)(?:\.|$)/;

/** Whether a placeholder name is one the engine fills itself (see PARAMETER_NAME_PATTERN). */
export function isReservedName(name: string): boolean {
  return RESERVED_NAME.test(name);
}
