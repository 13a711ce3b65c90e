import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { coerceError } from '../../../domain/coerce-error.ts';

/** What a remote path names: a file (or anything else that is no folder), a folder, or nothing. */
export type RemoteKind = 'file' | 'folder' | 'none';

/** What a file server offers an upload under a temporary name (paths as the server takes them). */
export interface RemoteFiles {
  /** Uploads a local file to a remote path, creating or truncating it. */
  put(local: string, remote: string): Promise<void>;
  /** Renames a remote file; the server may refuse when the target exists. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a remote file. */
  remove(path: string): Promise<void>;
  /** What a remote path names; throws when the server does not tell. */
  kind(path: string): Promise<RemoteKind>;
}

/** How much of the final name a name beside it keeps, so that it stays within 255 bytes. */
const KEPT_NAME = 200;

/** A hidden, unique path beside remote, tagged: "/in/report.csv" gives "/in/.report.csv.part-1a2b3c4d". */
function besidePath(remote: string, tag: string): string {
  const name = posix.basename(remote).slice(0, KEPT_NAME);
  return posix.join(posix.dirname(remote), `.${name}.${tag}-${randomBytes(4).toString('hex')}`);
}

/** The temporary path an upload to remote goes to first: "/in/.report.csv.part-1a2b3c4d". */
export const temporaryPath = (remote: string): string => besidePath(remote, 'part');

/** Where the file at remote waits while its replacement moves in: "/in/.report.csv.old-1a2b3c4d". */
export const asidePath = (remote: string): string => besidePath(remote, 'old');

/** A move into place that failed; its message says what the folder holds now. */
class MoveFailure extends Error {
  /**
   * deleteTemporary: whether the temporary file is of no more use (false when it holds the only
   * copy of the new content, or is no longer there).
   */
  constructor(
    message: string,
    readonly deleteTemporary: boolean,
  ) {
    super(message);
  }
}

const messageOf = (error: unknown) => coerceError(error).message;

/**
 * Renames from to to, replacing a file there. Many servers refuse to rename onto an existing
 * file (SFTP's plain rename, most FTP servers on Windows); then, and only if to is a file, that
 * file is renamed aside, from renamed into place and the old file deleted. Whatever fails, the
 * old file is put back where it can be, and the error says what the folder holds.
 */
export async function moveIntoPlace(files: RemoteFiles, from: string, to: string): Promise<void> {
  let refusal: string;
  try {
    await files.rename(from, to);
    return;
  } catch (error) {
    refusal = messageOf(error);
  }
  const refused = `the server refused to rename ${from} to ${to} (${refusal})`;
  const kind = await files.kind(to).catch(coerceError);
  if (kind instanceof Error) {
    throw new MoveFailure(
      `${refused}, and whether ${to} exists could not be checked (${kind.message}); ${to} was left as it was`,
      true,
    );
  }
  if (kind === 'none') throw new MoveFailure(`${refused}; ${to} was not created`, true);
  if (kind === 'folder') {
    throw new MoveFailure(`${refused}; ${to} is a folder and was left as it was`, true);
  }
  await replaceFile(files, from, to, refusal);
}

/** Moves the file at to aside, from into its place, then deletes the old file. */
async function replaceFile(
  files: RemoteFiles,
  from: string,
  to: string,
  refusal: string,
): Promise<void> {
  const aside = asidePath(to);
  try {
    await files.rename(to, aside);
  } catch (error) {
    const again = messageOf(error);
    const also = again === refusal ? '' : `, and to move ${to} aside to ${aside} (${again})`;
    throw new MoveFailure(
      `the server refused to rename ${from} to ${to} (${refusal})${also}; ${to} was left as it was`,
      true,
    );
  }
  try {
    await files.rename(from, to);
  } catch (error) {
    return putBack(files, { from, to, aside }, messageOf(error));
  }
  await files.remove(aside).catch((error: unknown) => {
    throw new MoveFailure(
      `${to} was replaced, but the old ${to}, moved aside to ${aside}, could not be deleted (${messageOf(error)}); it is still there`,
      false,
    );
  });
}

/** Renames the old file back from aside after from could not take its place; always throws. */
async function putBack(
  files: RemoteFiles,
  { from, to, aside }: { from: string; to: string; aside: string },
  refusal: string,
): Promise<never> {
  const refused = `the server refused to rename ${from} to ${to}, also after moving the old ${to} aside (${refusal})`;
  try {
    await files.rename(aside, to);
  } catch (error) {
    throw new MoveFailure(
      `${refused}, and then to rename it back from ${aside} (${messageOf(error)}): there is no ${to} now; the old content is in ${aside}, the new in ${from}`,
      false,
    );
  }
  throw new MoveFailure(`${refused}; ${to} was left as it was`, true);
}

/** Deletes the temporary file after a failed move; the failure, saying so when it stays. */
async function discard(files: RemoteFiles, temporary: string, failure: Error): Promise<Error> {
  try {
    await files.remove(temporary);
    return failure;
  } catch (error) {
    return new Error(
      `${failure.message}; the upload is left in ${temporary}, which could not be deleted (${messageOf(error)})`,
    );
  }
}

/**
 * Uploads local to remote under a temporary name in the same folder, then renames it to its
 * name, so that whoever reads the folder never sees half a file. When this fails the temporary
 * file is deleted unless it holds the only copy of the new content, as far as the connection
 * still allows: a stopped run, whose connection is cut, can leave it behind.
 */
export async function uploadViaTemporary(
  files: RemoteFiles,
  local: string,
  remote: string,
): Promise<void> {
  const temporary = temporaryPath(remote);
  try {
    await files.put(local, temporary);
  } catch (error) {
    // Part of the file may be there; when it cannot be deleted, there is usually none.
    await files.remove(temporary).catch(() => {});
    throw error;
  }
  try {
    await moveIntoPlace(files, temporary, remote);
  } catch (error) {
    const failure = coerceError(error);
    if (failure instanceof MoveFailure && !failure.deleteTemporary) throw failure;
    throw await discard(files, temporary, failure);
  }
}
