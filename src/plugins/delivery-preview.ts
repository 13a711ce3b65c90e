import { stat } from 'node:fs/promises';
import type { DeliveredResult, FileResult } from './results.ts';
import type { ActionContext } from './run-context.ts';

/** A file an action would deliver: named as it would be, and its size. */
export interface PreviewFile {
  name: string;
  bytes: number;
}

/**
 * What an action would deliver, reported by a dry run instead of delivering it (an action's
 * preview must change nothing and reach no peer).
 */
export interface DeliveryPreview {
  /** Where it would go: addresses, a folder, a server and path, a URL, a task. */
  to: string[];
  files: PreviewFile[];
  /** What else it would do, in words ("POST with a JSON body of 312 bytes"). */
  note?: string;
}

/** The file results an action receives. */
export function fileResults(context: ActionContext): Array<FileResult & DeliveredResult> {
  return context.results.filter(
    (result): result is FileResult & DeliveredResult => result.type === 'file',
  );
}

/** The action's file results with their sizes, each named by rename (default: as it is). */
export async function previewFiles(
  context: ActionContext,
  rename: (name: string) => string = (name) => name,
): Promise<PreviewFile[]> {
  return Promise.all(
    fileResults(context).map(async (file) => ({
      name: rename(file.name),
      bytes: (await stat(file.path)).size,
    })),
  );
}
