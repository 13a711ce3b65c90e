import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Zip, ZipDeflate } from 'fflate';
import { numberedName } from './file-names.ts';

/** A file to put into a zip, under its name. */
export interface ZipEntry {
  name: string;
  path: string;
}

/**
 * Entry names as given, made safe and unique: separators become "_" (so no entry unpacks
 * outside the folder it is unpacked into) and repeated names get " (1)", " (2)".
 */
export function entryNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((given) => {
    const base = given.replace(/[/\\]/g, '_').replace(/^\.\.?$/, '_') || '_';
    let name = base;
    for (let n = 1; taken.has(name.toLowerCase()); n++) name = numberedName(base, n);
    taken.add(name.toLowerCase());
    return name;
  });
}

async function addFile(
  zip: Zip,
  name: string,
  path: string,
  out: WriteStream,
  signal: AbortSignal,
): Promise<void> {
  const entry = new ZipDeflate(name, { level: 6 });
  zip.add(entry);
  for await (const chunk of createReadStream(path, { signal })) {
    entry.push(chunk as Buffer);
    // The zip writes synchronously from push(); wait here so a slow disk bounds memory.
    if (out.writableNeedDrain) await once(out, 'drain', { signal });
  }
  entry.push(new Uint8Array(0), true);
}

/** Writes the files into a new zip file at target, streaming; removes it again on failure. */
export async function zipFiles(
  files: readonly ZipEntry[],
  target: string,
  signal: AbortSignal,
): Promise<void> {
  const out = createWriteStream(target, { flags: 'wx' });
  const zip = new Zip((error, chunk, final) => {
    if (error) return void out.destroy(error);
    out.write(chunk);
    if (final) out.end();
  });
  const names = entryNames(files.map((file) => file.name));
  try {
    for (const [index, file] of files.entries()) {
      await addFile(zip, names[index] ?? file.name, file.path, out, signal);
    }
    zip.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    await rm(target, { force: true });
    throw error;
  }
}
