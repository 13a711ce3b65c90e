import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { killMatching, usesFolder } from './leftover-processes.ts';
import { lockFolder, removeFolder, RUN_FOLDER_NAME } from './private-folder.ts';
import {
  checkCanSwitchUser,
  lookUpProgramUser,
  ProgramUserError,
  type ProgramUser,
} from './program-user.ts';
import { RunGroups, type GidRange } from './run-groups.ts';

/** How this server runs programs as another user. */
export interface ProgramIsolation {
  user: ProgramUser;
  /** The folder (a real path) holding the runs' folders: the user may enter it, not list it. */
  root: string;
  /** A group per running program; null when they all share the user's own group. */
  groups: RunGroups | null;
}

/** What prepareIsolation() is given: the configured user, group range and folder. */
export interface IsolationSettings {
  user: string;
  gids: GidRange | null;
  folder: string;
}

let current: ProgramIsolation | null = null;

/**
 * Sets how programs run from now on (null: as the server's own user). It is one setting for
 * the whole process, as the right to switch users is the process's.
 */
export function isolatePrograms(isolation: ProgramIsolation | null): void {
  current = isolation;
}

/** How programs run now; null: as the server's own user. */
export function programIsolation(): ProgramIsolation | null {
  return current;
}

/** Refuses unless user (with group gid) can enter folder: every folder above it must let it. */
function checkReachable(folder: string, user: ProgramUser, gid: number): void {
  const probe = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'probe', folder], {
    uid: user.uid,
    gid,
    cwd: '/',
    env: {},
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.error) {
    throw new ProgramUserError(
      `a program could not be started as ${user.name}: ${probe.error.message}`,
    );
  }
  if (probe.status !== 0) {
    throw new ProgramUserError(
      `the user ${user.name} cannot enter ${folder} (${probe.stderr.trim()}): set TASKPLANNER_PROGRAM_DIR to a folder whose parents it may enter, such as /var/lib/taskplanner-programs`,
    );
  }
}

/**
 * The folder for the runs' folders, made if needed, then mode 0711: the user may enter it but
 * not list it. It must be the server's alone: whoever else could write to it could plant links
 * where the server makes and removes the runs' folders.
 */
async function prepareRoot(folder: string): Promise<string> {
  await mkdir(resolve(folder), { recursive: true, mode: 0o711 });
  const root = await realpath(folder);
  const found = await stat(root);
  if (found.uid !== process.getuid?.() || (found.mode & 0o022) !== 0) {
    throw new ProgramUserError(
      `the program folder ${root} (TASKPLANNER_PROGRAM_DIR) must belong to the server's user and be writable by it alone`,
    );
  }
  await chmod(root, 0o711);
  return root;
}

/** Ends what a previous server on this folder left: the programs of its runs, then their folders. */
async function removeLeftovers(isolation: ProgramIsolation): Promise<void> {
  const { user, root, groups } = isolation;
  await killMatching(async (view) =>
    groups === null
      ? view.uids.includes(user.uid) && (await usesFolder(view.pid, root))
      : view.gids.some((gid) => groups.includes(gid)),
  );
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || !RUN_FOLDER_NAME.test(entry.name)) continue;
    await lockFolder(join(root, entry.name));
    await removeFolder(join(root, entry.name));
  }
}

/**
 * Checks that programs can run as the configured user and prepares their folder, or throws a
 * ProgramUserError that says what to change. Clears what a previous server left in the folder,
 * so one folder must serve one server.
 */
export async function prepareIsolation(settings: IsolationSettings): Promise<ProgramIsolation> {
  checkCanSwitchUser();
  const user = lookUpProgramUser(settings.user);
  const groups = settings.gids === null ? null : new RunGroups(settings.gids);
  if (groups?.includes(user.gid)) {
    throw new ProgramUserError(
      `TASKPLANNER_RUN_GIDS includes the group of ${user.name} (${user.gid}); give it unused group ids`,
    );
  }
  const root = await prepareRoot(settings.folder);
  checkReachable(root, user, settings.gids?.first ?? user.gid);
  const isolation = { user, root, groups };
  await removeLeftovers(isolation);
  return isolation;
}
