import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { coerceError } from '../../../domain/coerce-error.ts';

/** What a file server offers an upload under a temporary name (paths as the server takes them). */
export interface RemoteFiles {
  /** Uploads a local file to a remote path, creating or truncating it. */
  put(local: string, remote: string): Promise<void>;
  /** Renames a remote file; the server may refuse when the target exists. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a remote file. */
  remove(path: string): Promise<void>;
}

/** How much of the final name a temporary name keeps, so that it stays within 255 bytes. */
const KEPT_NAME = 200;

/**
 * A temporary path beside remote, hidden and unique: "/in/report.csv" gives
 * "/in/.report.csv.part-1a2b3c4d".
 */
export function temporaryPath(remote: string): string {
  const name = posix.basename(remote).slice(0, KEPT_NAME);
  return posix.join(posix.dirname(remote), `.${name}.part-${randomBytes(4).toString('hex')}`);
}

/**
 * Renames from to to, replacing a file there. Many servers refuse to rename onto an existing
 * file (SFTP's plain rename, most FTP servers on Windows); then the existing file is deleted and
 * the rename tried again, so for a moment no file has that name. When that second rename fails,
 * the old file is gone.
 */
export async function moveIntoPlace(files: RemoteFiles, from: string, to: string): Promise<void> {
  try {
    await files.rename(from, to);
    return;
  } catch (refused) {
    // Nothing to delete (or no right to): the refusal was about something else.
    await files.remove(to).catch(() => {
      throw refused;
    });
  }
  await files.rename(from, to);
}

/**
 * Uploads local to remote under a temporary name in the same folder, then renames it to its
 * name, so that whoever reads the folder never sees half a file. When this fails the temporary
 * file is deleted, as far as the connection still allows: a stopped run, whose connection is
 * cut, can leave it behind.
 */
export async function uploadViaTemporary(
  files: RemoteFiles,
  local: string,
  remote: string,
): Promise<void> {
  const temporary = temporaryPath(remote);
  try {
    await files.put(local, temporary);
    await moveIntoPlace(files, temporary, remote).catch((error: unknown) => {
      throw new Error(`renaming ${temporary} to ${remote} failed: ${coerceError(error).message}`);
    });
  } catch (error) {
    await files.remove(temporary).catch(() => {});
    throw error;
  }
}
