/** The browser's IANA time zone, named next to the times shown in it. */
export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** An instant as the browser's zone shows it; a dash for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const pad = (value: number) => String(value).padStart(2, '0');

/** An instant as a datetime-local input wants it, in the browser's zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local input's value (browser's zone) as an instant; null when empty. */
export function fromLocalInput(local: string): string | null {
  if (local === '') return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Every IANA zone the browser knows, with the one in use kept even if it is not listed. */
export function timeZones(current: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  const all = zones.includes('UTC') ? zones : ['UTC', ...zones];
  return all.includes(current) ? all : [current, ...all];
}
