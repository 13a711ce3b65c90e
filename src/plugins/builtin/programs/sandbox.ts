import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileResult } from '../../results.ts';
import type { JobContext } from '../../run-context.ts';
import { programIsolation, type ProgramIsolation } from './isolation.ts';
import { killMatching, usesFolder, type ProcessView } from './leftover-processes.ts';
import {
  collectOutputs,
  createPrivateFolder,
  lockFolder,
  outputFiles,
  removeFolder,
  type PrivateFolder,
} from './private-folder.ts';
import { watch } from './watchdog.ts';

/** Where and as whom one program runs, and what happens once it has ended. */
export interface ProgramSandbox {
  /** The folder the program runs in unless its job names one. */
  workFolder: string;
  /** TASKPLANNER_OUTPUT_DIR. */
  outputFolder: string;
  /** Variables that replace the server's (HOME and TMPDIR in the run's folder). */
  environment: Readonly<Record<string, string>>;
  /** The spawn() options that switch the user; none to run as the server. */
  identity: { uid?: number; gid?: number };
  /**
   * Once the program has exited (and its process group was killed): ends whatever of the run is
   * still running and takes its folder back. Safe to call more than once.
   */
  contain(): Promise<void>;
  /** The output files, where the server can read them after the run; call after contain(). */
  outputs(): Promise<FileResult[]>;
  /** Contains the run, then removes its folder. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** The function, run at most once: later calls share the first call's promise. */
function once(run: () => Promise<void>): () => Promise<void> {
  let started: Promise<void> | undefined;
  return () => (started ??= run());
}

async function freshFolder(context: JobContext, name: string): Promise<string> {
  const folder = join(await context.workDir(), name);
  await mkdir(folder, { recursive: true });
  return folder;
}

/** As the server's own user, in folders of the job's work folder (which the engine removes). */
async function serverSandbox(context: JobContext): Promise<ProgramSandbox> {
  const outputFolder = await freshFolder(context, 'output');
  return {
    workFolder: await freshFolder(context, 'work'),
    outputFolder,
    environment: {},
    identity: {},
    contain: async () => {},
    outputs: () => outputFiles(outputFolder, context.log),
    dispose: async () => {},
  };
}

/**
 * Whether a process belongs to the run: with a group of its own, any process with that group
 * (no setsid escapes it); else a process of the user that works in, or holds open something
 * in, the run's folder (one that left it, and shut what it had open there, is not found).
 */
function runMatcher(isolation: ProgramIsolation, folder: PrivateFolder, gid: number | null) {
  return async (view: ProcessView) =>
    gid === null
      ? view.uids.includes(isolation.user.uid) && (await usesFolder(view.pid, folder.path))
      : view.gids.includes(gid);
}

/**
 * As the configured user, in a folder of its own that only this run can enter. With a group of
 * its own, the watchdog kills every process of that group should the server die, from before the
 * program starts until the group is given back.
 */
async function isolatedSandbox(
  isolation: ProgramIsolation,
  context: JobContext,
): Promise<ProgramSandbox> {
  const { user, root, groups } = isolation;
  const gid = groups?.lease() ?? null;
  let folder: PrivateFolder;
  let unwatch = () => {};
  try {
    if (gid !== null) unwatch = await watch({ kind: 'gid', id: gid });
    folder = await createPrivateFolder(root, user, gid);
  } catch (error) {
    unwatch();
    if (gid !== null) groups?.release(gid);
    throw error;
  }
  let groupFree = true;
  const contain = once(async () => {
    await lockFolder(folder.path);
    const left = await killMatching(runMatcher(isolation, folder, gid));
    if (left > 0) {
      // Another program given this group could reach them: keep it out of use.
      groupFree = false;
      context.log.warn(`${left} process(es) the program left could not be killed`);
    }
  });
  return {
    workFolder: folder.work,
    outputFolder: folder.output,
    environment: { HOME: folder.home, TMPDIR: folder.tmp },
    identity: { uid: user.uid, gid: gid ?? user.gid },
    contain,
    outputs: async () =>
      collectOutputs(folder.output, await freshFolder(context, 'output'), user.uid, context.log),
    dispose: once(async () => {
      await contain();
      await removeFolder(folder.path);
      if (gid === null || !groupFree) return;
      unwatch();
      groups?.release(gid);
    }),
  };
}

/** A sandbox for one program of the job, as the server is configured to run programs. */
export async function openSandbox(context: JobContext): Promise<ProgramSandbox> {
  const isolation = programIsolation();
  return isolation === null ? serverSandbox(context) : isolatedSandbox(isolation, context);
}
