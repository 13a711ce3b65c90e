import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const MAX_LINKS = 40;

/**
 * The real path of path, resolving links; for a path that does not exist, its parent's real
 * path and its name, and for a dangling link, where the link points.
 */
async function realPathOf(path: string, links = 0): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const info = await lstat(path).catch(() => null);
    if (info?.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw new Error(`the path ${path} has too many links`);
      const target = resolve(dirname(path), await readlink(path));
      return realPathOf(target, links + 1);
    }
    const parent = dirname(path);
    if (parent === path) throw error;
    return join(await realPathOf(parent, links), basename(path));
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Where an absolute path really leads, and whether that lies inside one of the roots. */
export interface PathPlace {
  /** The real path: links followed, `..` resolved; for a path not there yet, by its parent. */
  real: string;
  inside: boolean;
}

/**
 * Where an absolute path leads, for the run-time check below and the save-time one alike: a
 * path that does not exist yet is placed by its nearest existing parent.
 */
export async function placeOf(path: string, roots: readonly string[]): Promise<PathPlace> {
  const real = await realPathOf(resolve(path));
  return { real, inside: roots.some((root) => isInside(real, root)) };
}

/**
 * The real path of a file or folder a task names, after following every link; throws unless it
 * lies inside one of the allowed roots (themselves stored as real paths).
 */
export async function allowedPath(path: string, roots: readonly string[]): Promise<string> {
  if (!isAbsolute(path)) throw new Error(`the path '${path}' must be absolute`);
  if (roots.length === 0) {
    throw new Error(
      `the path ${path} is outside the allowed folders: an administrator has allowed none yet`,
    );
  }
  const { real, inside } = await placeOf(path, roots);
  if (!inside) {
    const shown = real === resolve(path) ? path : `${path} (${real})`;
    throw new Error(`the path ${shown} is outside the allowed folders`);
  }
  return real;
}

/** The real path of a folder an administrator allows; throws unless it is an existing folder. */
export async function realFolder(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new Error('must be an absolute path');
  try {
    return await realpath(path);
  } catch {
    throw new Error('does not exist on this server');
  }
}
