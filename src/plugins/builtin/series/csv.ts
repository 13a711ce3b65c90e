import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { parse } from 'csv-parse';
import { defineSeries } from '../../define-kind.ts';
import { FILES_PERMISSION } from './files-permission.ts';
import { MAX_SERIES_ITEMS, tooManyItems } from './series-limit.ts';

const CsvConfig = Type.Object(
  {
    file: Type.String({
      minLength: 1,
      maxLength: 4096,
      folder: true,
      description: 'The CSV file (inside the folders an administrator allows); UTF-8',
    }),
    delimiter: Type.String({
      minLength: 1,
      maxLength: 4,
      default: ',',
      description: 'What separates the fields, e.g. , or ; or a tab',
    }),
  },
  { additionalProperties: false },
);

type CsvConfig = Static<typeof CsvConfig>;

/** The header's names as field names; refuses blank or repeated ones, which would lose data. */
function fieldNames(header: string[]): string[] {
  const names = header.map((name) => name.trim());
  const blank = names.findIndex((name) => name === '');
  if (blank >= 0) throw new Error(`column ${blank + 1} of the header row has no name`);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new Error(`the header row names '${repeated}' twice`);
  return names;
}

/** The file's records, at most one past the series limit (enough to tell it is too long). */
async function readRecords(path: string, config: CsvConfig, signal: AbortSignal) {
  const records: Record<string, string>[] = [];
  // pipeline, not pipe: a read error (a missing file) must reach the loop below.
  const parser = pipeline(
    createReadStream(path, { signal }),
    parse({ columns: fieldNames, delimiter: config.delimiter, bom: true, skip_empty_lines: true }),
    () => {},
  );
  for await (const record of parser) {
    records.push(record as Record<string, string>);
    if (records.length > MAX_SERIES_ITEMS) break;
  }
  return records;
}

/** The rows of a CSV file, each an object of the header's field names to text. */
export const csvSeries = defineSeries({
  kind: 'csv',
  title: 'CSV file',
  description:
    'Runs the jobs and actions once for each row of a CSV file; the header row names the fields',
  configSchema: CsvConfig,
  permission: FILES_PERMISSION,
  resolve: async (config, context) => {
    const path = await context.host.allowedPath(config.file);
    const records = await readRecords(path, config, context.signal).catch((error: unknown) => {
      if (context.signal.aborted) throw error;
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === 'ENOENT') throw new Error(`the file ${config.file} does not exist`);
      throw new Error(`cannot read the CSV file ${config.file}: ${message}`);
    });
    if (records.length > MAX_SERIES_ITEMS) throw tooManyItems(`the file ${config.file}`);
    return records;
  },
});
