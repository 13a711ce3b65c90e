import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, lstat, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { numberedName } from './file-names.ts';

/** What to do when a file of the target name is already there. */
export type IfExists = 'overwrite' | 'keep-both';

/** The names of unfinished copies (see copyToTemp), which deleteOlder leaves alone. */
const TEMP_NAME = /^\.tp-[0-9a-f]{12}\.part$/;

/** How many numbered names keep-both tries before giving up. */
const MAX_COPIES = 10_000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** The entry's type if something of that name exists (links not followed), else null. */
async function entryAt(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Refuses to replace anything but a regular file (a link could lead out of the folder). */
async function assertReplaceable(path: string): Promise<void> {
  const existing = await entryAt(path);
  if (existing?.isSymbolicLink())
    throw new Error(`${path} is a link; refusing to write through it`);
  if (existing && !existing.isFile()) throw new Error(`${path} exists and is not a file`);
}

/** Copies source to a hidden temporary file in folder; resolves to its path. */
async function copyToTemp(source: string, folder: string, signal: AbortSignal) {
  // Not derived from the name, which may already be as long as a name can be.
  const temp = join(folder, `.tp-${randomBytes(6).toString('hex')}.part`);
  try {
    await pipeline(createReadStream(source), createWriteStream(temp, { flags: 'wx' }), { signal });
    return temp;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Gives temp the first free name of name, "name (1)", "name (2)"…; resolves to that name. */
async function linkUnderFreeName(temp: string, folder: string, name: string): Promise<string> {
  for (let n = 0; n < MAX_COPIES; n++) {
    const candidate = n === 0 ? name : numberedName(name, n);
    const target = join(folder, candidate);
    try {
      // link() never replaces an existing entry, so two writers cannot both win one name.
      await link(temp, target);
      return candidate;
    } catch (error) {
      if (errorCode(error) === 'EEXIST') continue;
      // Some file systems have no hard links: check, then rename (a small race remains).
      if ((await entryAt(target)) !== null) continue;
      await rename(temp, target);
      return candidate;
    }
  }
  throw new Error(`no free name for ${name} in ${folder} after ${MAX_COPIES} tries`);
}

/**
 * Writes source into folder as name, atomically (a temporary file renamed into place), and
 * resolves to the name used: keep-both picks a numbered name when name is taken.
 */
export async function placeFile(
  source: string,
  folder: string,
  name: string,
  ifExists: IfExists,
  signal: AbortSignal,
): Promise<string> {
  await assertReplaceable(join(folder, name));
  const temp = await copyToTemp(source, folder, signal);
  try {
    if (ifExists === 'keep-both') return await linkUnderFreeName(temp, folder, name);
    await rename(temp, join(folder, name));
    return name;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Deletes the regular files in folder that match and were last modified before cutoff; returns their names. */
export async function deleteOlder(
  folder: string,
  matches: (name: string) => boolean,
  cutoff: number,
): Promise<string[]> {
  const deleted: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    // Another run's unfinished copy is not an old file, whatever the format says.
    if (!entry.isFile() || TEMP_NAME.test(entry.name) || !matches(entry.name)) continue;
    const path = join(folder, entry.name);
    const stats = await entryAt(path);
    if (!stats?.isFile() || stats.mtimeMs >= cutoff) continue;
    await unlink(path);
    deleted.push(entry.name);
  }
  return deleted;
}
