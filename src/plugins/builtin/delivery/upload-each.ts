import { stat } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { posix } from 'node:path';
import { coerceError } from '../../../domain/coerce-error.ts';
import { previewFiles, type DeliveryPreview } from '../../delivery-preview.ts';
import type { ActionContext } from '../../run-context.ts';
import { formatFileName } from './file-names.ts';

/** The remote folder of an upload action's config (SFTP, FTP). */
export const RemoteFolder = Type.String({
  minLength: 1,
  maxLength: 4096,
  default: '.',
  description:
    'Folder on the server to upload into (relative to the login folder unless it starts with /)',
});

/** Where the files go, and how one is put there. */
export interface UploadTarget {
  /** The server as messages name it (host:port). */
  where: string;
  remoteFolder: string;
  /** The action's file-name format. */
  fileName: string;
  /** Uploads a local file under its final name (in the folder) and full remote path. */
  put(local: string, name: string, remote: string): Promise<void>;
}

/**
 * Uploads each file result of the action in turn, named by the format; a failure names the file,
 * the remote path and the server, and a stopped run says "stopped".
 */
export async function uploadEach(context: ActionContext, target: UploadTarget): Promise<void> {
  for (const result of context.results) {
    if (result.type !== 'file') continue;
    const name = formatFileName(context, target.fileName, result.name);
    const remote = posix.join(target.remoteFolder, name);
    try {
      await target.put(result.path, name, remote);
    } catch (error) {
      if (context.signal.aborted) throw new Error('stopped');
      throw new Error(
        `uploading ${result.name} to ${remote} on ${target.where} failed: ${coerceError(error).message}`,
      );
    }
    const { size } = await stat(result.path);
    context.log.info(`uploaded ${result.name} to ${remote} (${size} bytes)`);
  }
}

/** What an upload would put where, for a dry run: the files as named there; nothing connects. */
export async function previewUploads(
  context: ActionContext,
  target: Pick<UploadTarget, 'where' | 'remoteFolder' | 'fileName'> & { login: string },
): Promise<DeliveryPreview> {
  const files = await previewFiles(context, (name) =>
    formatFileName(context, target.fileName, name),
  );
  return {
    to: [`${target.login}@${target.where} in ${target.remoteFolder}`],
    files,
    note: 'the server was not contacted: a dry run neither logs in nor checks the folder',
  };
}
