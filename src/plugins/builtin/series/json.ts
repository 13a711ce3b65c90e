import { readFile, stat } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import type { FieldIssue } from '../../../domain/errors.ts';
import { defineSeries } from '../../define-kind.ts';
import type { SeriesContext } from '../../run-context.ts';
import { FILES_PERMISSION } from './files-permission.ts';
import { MAX_SERIES_ITEMS, tooManyItems } from './series-limit.ts';

/** A JSON file larger than this is refused before it is read into memory. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

const JsonConfig = Type.Object(
  {
    items: Type.Optional(
      Type.Array(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown()), {
        maxItems: MAX_SERIES_ITEMS,
        description: 'The records, written here (give this or file)',
      }),
    ),
    file: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        folder: true,
        description:
          "A JSON file holding an array of objects (inside the allowed folders; needs the permission 'series.files')",
      }),
    ),
  },
  { additionalProperties: false },
);

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The records of a parsed JSON value; throws unless it is an array of objects. */
export function recordsOf(value: unknown, source: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) {
    throw new Error(`${source} holds ${describeValue(value)}, not an array of objects`);
  }
  const items: unknown[] = value;
  const wrong = items.findIndex(
    (item) => typeof item !== 'object' || item === null || Array.isArray(item),
  );
  if (wrong >= 0) {
    throw new Error(
      `${source}: item ${wrong + 1} is ${describeValue(items[wrong])}, not an object`,
    );
  }
  if (items.length > MAX_SERIES_ITEMS) throw tooManyItems(source);
  return items as Record<string, unknown>[];
}

async function readJsonFile(config: { file: string }, context: SeriesContext): Promise<unknown> {
  if (!context.owner.permissions.has(FILES_PERMISSION)) {
    throw new Error(
      `reading a JSON file needs the permission '${FILES_PERMISSION}', which the owner '${context.owner.login}' does not hold`,
    );
  }
  const path = await context.host.allowedPath(config.file);
  try {
    const { size } = await stat(path);
    if (size > MAX_FILE_BYTES) {
      throw new Error(`it has ${size} bytes, more than the ${MAX_FILE_BYTES} a series reads`);
    }
    return JSON.parse(await readFile(path, { encoding: 'utf8', signal: context.signal }));
  } catch (error) {
    if (context.signal.aborted) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') throw new Error(`the file ${config.file} does not exist`);
    throw new Error(`cannot read the JSON file ${config.file}: ${message}`);
  }
}

/** Records written into the task, or read from a JSON file. */
export const jsonSeries = defineSeries({
  kind: 'json',
  title: 'JSON',
  description:
    'Runs the jobs and actions once for each object of a JSON array, written here or read from a file',
  configSchema: JsonConfig,
  check: ({ items, file }, path): FieldIssue[] =>
    (items === undefined) === (file === undefined)
      ? [{ path, message: 'give either items or file' }]
      : [],
  resolve: async (config, context) => {
    if (config.file !== undefined) {
      return recordsOf(
        await readJsonFile({ file: config.file }, context),
        `the file ${config.file}`,
      );
    }
    return recordsOf(config.items, 'items');
  },
});
