import type { QueryResult } from '../plugins/run-host.ts';
import { cellText } from './cell-text.ts';
import { writeChunks } from './write-lines.ts';

/** How a CSV report is written. */
export interface CsvOptions {
  /** Start with a UTF-8 byte order mark (Excel then reads accents right); default false. */
  bom?: boolean;
  signal?: AbortSignal;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One field per RFC 4180: quoted when it holds a quote, a comma or a line break. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Text a spreadsheet would take for a formula (or a DDE call) when it opens the file. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text as a spreadsheet shows it, never run: a leading ' keeps "=HYPERLINK(…)" or "@SUM(…)"
 * from a database cell from becoming a formula (OWASP's CSV injection advice). Numbers are
 * left alone, so -5 stays a number.
 */
export function inertText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvCell(value: unknown): string {
  return csvField(typeof value === 'string' ? inertText(value) : cellText(value));
}

function* csvLines(result: QueryResult, bom: boolean): Generator<string> {
  yield (bom ? '\uFEFF' : '') + result.columns.map(csvCell).join(',') + '\r\n';
  for (const row of result.rows) {
    yield result.columns.map((column) => csvCell(row[column])).join(',') + '\r\n';
  }
}

/**
 * Writes the rows as CSV (RFC 4180): a header row of the column names, CRLF line ends,
 * UTF-8, dates as ISO instants, empty fields for nulls, text that looks like a formula
 * prefixed with '.
 */
export async function writeCsv(
  result: QueryResult,
  path: string,
  options: CsvOptions = {},
): Promise<void> {
  await writeChunks(path, csvLines(result, options.bom ?? false), options.signal);
}
