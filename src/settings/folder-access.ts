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
  const real = await realPathOf(resolve(path));
  if (!roots.some((root) => isInside(real, root))) {
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
