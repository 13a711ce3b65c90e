import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { chmod, chown, mkdir, open, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileResult } from '../../results.ts';
import type { RunLogger } from '../../run-context.ts';
import type { ProgramUser } from './program-user.ts';

/** The folders of one program that runs as another user. */
export interface PrivateFolder {
  /** The run's folder, holding the others. */
  path: string;
  /** Where the program runs unless its job names a working folder. */
  work: string;
  /** TASKPLANNER_OUTPUT_DIR. */
  output: string;
  home: string;
  tmp: string;
}

/** The names of run folders under the program folder; only these are ever removed from it. */
export const RUN_FOLDER_NAME = /^run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Makes a run's folder under root. Without a group of its own (gid null) the folder belongs to
 * the user, mode 0700. With one, every run has the same user, so the folder belongs to the
 * server and opens (0750) to the run's group alone; the folders inside belong to the user.
 */
export async function createPrivateFolder(
  root: string,
  user: ProgramUser,
  gid: number | null,
): Promise<PrivateFolder> {
  const path = join(root, `run-${randomUUID()}`);
  await mkdir(path, { mode: 0o700 });
  const folder = {
    path,
    work: join(path, 'work'),
    output: join(path, 'output'),
    home: join(path, 'home'),
    tmp: join(path, 'tmp'),
  };
  for (const inner of [folder.work, folder.output, folder.home, folder.tmp]) {
    await mkdir(inner, { mode: 0o700 });
    await chown(inner, user.uid, gid ?? user.gid);
  }
  if (gid === null) {
    await chown(path, user.uid, user.gid);
  } else {
    await chown(path, process.getuid?.() ?? 0, gid);
    await chmod(path, 0o750);
  }
  return folder;
}

/** Takes the folder back from the program's user: whatever it left can no longer change it. */
export async function lockFolder(path: string): Promise<void> {
  await chown(path, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  await chmod(path, 0o700);
}

/** Removes a run's folder and all it holds. */
export async function removeFolder(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Every regular file below folder, as file results named by their path inside it, by name. */
export async function outputFiles(folder: string, log: RunLogger): Promise<FileResult[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const results: FileResult[] = [];
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    const name = relative(folder, path).split(sep).join('/');
    // A link could point anywhere on the server; only files the program wrote are results.
    if (entry.isSymbolicLink()) log.warn(`output ${name} is a link and is not a result`);
    if (entry.isFile()) results.push({ type: 'file', name, path });
  }
  return results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Copies file to copy if it is a regular file of owner, reading through a handle opened
 * without following a link, so that a file swapped for a link meanwhile is not read as root.
 */
async function copyOwnFile(file: string, copy: string, owner: number): Promise<boolean> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const handle = await open(file, flags).catch(() => null);
  if (handle === null) return false;
  try {
    const found = await handle.stat();
    if (!found.isFile() || found.uid !== owner) return false;
    await mkdir(dirname(copy), { recursive: true });
    await pipeline(
      handle.createReadStream({ autoClose: false }),
      createWriteStream(copy, { flags: 'wx', mode: 0o600 }),
    );
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * The program's output files, copied into a folder of the server (into), so that they outlive
 * the run's folder: only regular files that the program's user owns, so no link or hard link
 * makes the server hand out a file the program could not read itself.
 */
export async function collectOutputs(
  folder: string,
  into: string,
  owner: number,
  log: RunLogger,
): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const file of await outputFiles(folder, log)) {
    const copy = join(into, ...file.name.split('/'));
    if (await copyOwnFile(file.path, copy, owner)) results.push({ ...file, path: copy });
    else log.warn(`output ${file.name} is not a file of the program and is not a result`);
  }
  return results;
}
