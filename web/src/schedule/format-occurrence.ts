const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string | undefined): Intl.DateTimeFormat {
  const key = timezone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(timezone ? { timeZone: timezone } : {}),
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * An instant on the wall clock of a zone (the browser's when none is given), like
 * "Mon 2 Mar 2026, 09:00" (seconds only when there are some). Built from parts so the
 * text does not depend on the browser's locale data.
 */
export function formatInstant(instant: Date, timezone?: string): string {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(instant)) parts[part.type] = part.value;
  const seconds = parts.second && parts.second !== '00' ? `:${parts.second}` : '';
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}${seconds}`;
}

/** The browser's own time zone. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
