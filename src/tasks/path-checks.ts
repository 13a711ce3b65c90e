import { isAbsolute } from 'node:path';
import { coerceError } from '../domain/coerce-error.ts';
import { validationError, type FieldIssue } from '../domain/errors.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import type { ComponentRegistry } from '../plugins/registry.ts';
import { placeOf } from '../settings/folder-access.ts';
import type { Store } from '../store/store.ts';
import { newAnnotatedValues } from './annotated-values.ts';
import type { TaskSave } from './task-limits.ts';

/** The refusal when an administrator has allowed no folder at all. */
export const NO_FOLDERS_ALLOWED =
  'No folders are allowed yet: an administrator adds them in Settings, Allowed folders';

/** The allowed folders as stored (real paths), read through the store of the save. */
async function folderRoots(store: Store): Promise<string[]> {
  const stored = (await store.settings.get('folderRoots')) as string[] | undefined;
  return stored ?? DEFAULT_SETTINGS.folderRoots;
}

/** Why a path can never be used, or null when it lies inside one of the roots. */
async function refusalOf(path: string, roots: readonly string[]): Promise<string | null> {
  if (!isAbsolute(path)) return `This path must be absolute (start with /): ${path}`;
  try {
    const { real, inside } = await placeOf(path, roots);
    if (inside) return null;
    // Where `..` or a link took it elsewhere, say where: the written path alone would puzzle.
    const shown = real === path.replace(/(?<=.)\/+$/, '') ? path : `${path} (it leads to ${real})`;
    return `This path is not inside an allowed folder: ${shown}`;
  } catch (error) {
    return `This path cannot be checked on this server: ${coerceError(error).message}`;
  }
}

/**
 * Refuses a file or folder (a config field marked `folder: true`) that can never be used: one
 * outside the allowed folders, as the run-time check (allowedPath) would find it. A path that
 * does not exist yet is accepted when it would lie inside one (folders may be made later): it
 * is placed by its nearest existing parent, after `..` is resolved and links are followed. Only
 * new or changed paths without placeholders are checked (see newAnnotatedValues).
 */
export async function requireAllowedPaths(
  store: Store,
  registry: ComponentRegistry,
  save: TaskSave,
): Promise<void> {
  const paths = newAnnotatedValues(registry, save.definition, save.previous, (f) => f.folder);
  if (paths.length === 0) return;
  const roots = await folderRoots(store);
  const issues: FieldIssue[] = [];
  for (const { path, text } of paths) {
    const message = roots.length === 0 ? NO_FOLDERS_ALLOWED : await refusalOf(text, roots);
    if (message !== null) issues.push({ path, message });
  }
  if (issues.length > 0) throw validationError(issues);
}
