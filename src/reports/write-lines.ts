import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Writes the chunks a generator yields to a file, as they come; stops when the signal aborts. */
export async function writeChunks(
  path: string,
  chunks: Iterable<string>,
  signal?: AbortSignal,
): Promise<void> {
  await pipeline(Readable.from(chunks), createWriteStream(path), signal ? { signal } : {});
}
