import { durationText } from '../../../src/domain/duration-text.ts';
/** The browser's time zone, named next to times so nobody guesses which zone they are in. */
export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateTimeWithZone = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'long',
});

/** A moment in the browser's zone, or a dash when there is none. */
export function formatDateTime(iso: string | null, options: { zone?: boolean } = {}): string {
  if (!iso) return '—';
  return (options.zone ? dateTimeWithZone : dateTime).format(new Date(iso));
}

/** A length of time the way people say it, or a dash when there is none. */
export function formatDuration(ms: number | null): string {
  return ms === null ? '—' : durationText(ms);
}

/** A byte count with a unit. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The value of a datetime-local input (the browser's zone) as an ISO instant, or undefined. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO instant as the value of a datetime-local input in the browser's zone. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
