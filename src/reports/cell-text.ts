/** Turns a query's cell values into the text and JSON values the report formats write. */

/** A bigint as a number when that loses nothing, else as its decimal text. */
function bigintValue(value: bigint): number | string {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

/** A Date as an ISO instant; an invalid Date (a driver's reading of a zero date) as empty. */
function isoOf(value: Date): string {
  return Number.isNaN(value.getTime()) ? '' : value.toISOString();
}

/** JSON.stringify's replacer for what JSON cannot hold: bigints and binary data. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return bigintValue(value);
  if (isSerializedBuffer(value)) return Buffer.from(value.data).toString('base64');
  return value;
}

/** A Buffer after its own toJSON ran (JSON.stringify calls it before the replacer). */
function isSerializedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}

/** JSON text of any cell value, bigints and binary data included. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, jsonReplacer) ?? 'null';
}

/**
 * A cell as text: null as empty, dates as ISO instants, binary data as base64,
 * objects (JSON columns) as JSON.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return isoOf(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return jsonText(value);
  // Numbers and booleans; a driver gives nothing else (no symbols or functions).
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
