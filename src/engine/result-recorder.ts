import { readFile, stat } from 'node:fs/promises';
import type { RecordedResult } from '../domain/run.ts';
import type { DeliveredResult } from '../plugins/results.ts';
import type { RunLogger } from '../plugins/run-context.ts';
import { orderedId } from '../domain/ordered-id.ts';
import type { Store } from '../store/store.ts';
import { serverLimits } from './owner-limits.ts';
import { coerceError } from '../domain/coerce-error.ts';

/** Files larger than this are not kept for download (they still reach the actions). */
export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;
const MAX_INLINE_CHARS = 64 * 1024;

/** The permission needed to download the files of a job (by id), or null for none. */
export type ArtifactPermission = (jobId: string) => string | null;

/** The run whose results are kept, and whose owner's storage they count against. */
export interface RunOfResults {
  id: string;
  ownerId: string;
  /** False for an unsaved task's run (POST /tasks/execute): its files are described, not kept. */
  keepsFiles?: boolean;
}

/**
 * Keeps a run's results: files as downloadable artifacts (carrying the permission of the
 * job that made them), text and JSON inline (capped).
 */
export async function recordResults(
  store: Store,
  run: RunOfResults,
  itemIndex: number,
  results: readonly DeliveredResult[],
  log: RunLogger,
  now: number,
  permissionOf: ArtifactPermission,
): Promise<RecordedResult[]> {
  const recorded: RecordedResult[] = [];
  for (const result of results) {
    const base = {
      itemIndex,
      jobId: result.jobId,
      type: result.type,
      name: result.name,
      valid: result.valid,
    };
    if (result.type === 'text') {
      recorded.push({ ...base, text: result.text.slice(0, MAX_INLINE_CHARS) });
    } else if (result.type === 'json') {
      const json = JSON.stringify(result.value) ?? 'null';
      recorded.push(json.length <= MAX_INLINE_CHARS ? { ...base, value: result.value } : base);
    } else {
      const permission = permissionOf(result.jobId);
      const file =
        run.keepsFiles === false
          ? await describeFile(result)
          : await keepFile(store, run, result, log, now, permission);
      recorded.push({ ...base, ...file });
    }
  }
  return recorded;
}

/**
 * Why a file may not be kept within the owner's share of the artifact storage, or null when
 * it may. Everyone is bound, administrators too: it is the disk that runs out.
 */
async function storageRefusal(
  store: Store,
  ownerId: string,
  name: string,
  size: number,
): Promise<string | null> {
  const limit = (await serverLimits(store)).artifactBytesPerUser;
  if (limit === null) return null;
  const stored = await store.runs.artifactBytesOf(ownerId);
  if (stored + size <= limit) return null;
  return `${name} (${size} bytes) is not kept for download: the owner's kept files take ${stored} of the ${limit} bytes this server allows per user`;
}

/** A file result's size and media type, not kept. */
async function describeFile(
  result: Extract<DeliveredResult, { type: 'file' }>,
): Promise<Partial<RecordedResult>> {
  const mediaType = result.mediaType ?? 'application/octet-stream';
  return { size: (await stat(result.path)).size, mediaType };
}

async function keepFile(
  store: Store,
  run: RunOfResults,
  result: Extract<DeliveredResult, { type: 'file' }>,
  log: RunLogger,
  now: number,
  permission: string | null,
): Promise<Partial<RecordedResult>> {
  const mediaType = result.mediaType ?? 'application/octet-stream';
  try {
    const { size } = await stat(result.path);
    if (size > MAX_ARTIFACT_BYTES) {
      log.warn(`${result.name} (${size} bytes) is too large to keep for download`);
      return { size, mediaType };
    }
    const refusal = await storageRefusal(store, run.ownerId, result.name, size);
    if (refusal) {
      log.warn(refusal);
      return { size, mediaType };
    }
    const id = orderedId(now);
    await store.runs.addArtifact({
      id,
      runId: run.id,
      name: result.name,
      mediaType,
      content: await readFile(result.path),
      permission,
    });
    return { artifactId: id, size, mediaType };
  } catch (error) {
    log.warn(`could not keep ${result.name}: ${coerceError(error).message}`);
    return { mediaType };
  }
}
