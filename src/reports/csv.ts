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

function* csvLines(result: QueryResult, bom: boolean): Generator<string> {
  yield (bom ? '\uFEFF' : '') + result.columns.map(csvField).join(',') + '\r\n';
  for (const row of result.rows) {
    yield result.columns.map((column) => csvField(cellText(row[column]))).join(',') + '\r\n';
  }
}

/**
 * Writes the rows as CSV (RFC 4180): a header row of the column names, CRLF line ends,
 * UTF-8, dates as ISO instants, empty fields for nulls.
 */
export async function writeCsv(
  result: QueryResult,
  path: string,
  options: CsvOptions = {},
): Promise<void> {
  await writeChunks(path, csvLines(result, options.bom ?? false), options.signal);
}
