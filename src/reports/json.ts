import type { QueryResult } from '../plugins/run-host.ts';
import { jsonText } from './cell-text.ts';
import { writeChunks } from './write-lines.ts';

function* jsonLines(result: QueryResult): Generator<string> {
  yield '[';
  let first = true;
  for (const row of result.rows) {
    // Keys in the query's column order, whatever order the driver built the row in.
    const ordered = Object.fromEntries(
      result.columns.map((column) => [column, row[column] ?? null]),
    );
    yield `${first ? '' : ','}\n  ${jsonText(ordered)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

/**
 * Writes the rows as a JSON array of objects keyed by column name: dates as ISO instants,
 * big integers as numbers when exact (else as text), binary data as base64.
 */
export async function writeJson(
  result: QueryResult,
  path: string,
  signal?: AbortSignal,
): Promise<void> {
  await writeChunks(path, jsonLines(result), signal);
}
