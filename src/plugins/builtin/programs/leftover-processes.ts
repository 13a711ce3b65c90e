import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A live process as /proc shows it: enough to tell whether it belongs to a run. */
export interface ProcessView {
  pid: number;
  /** Real, effective, saved and filesystem user ids. */
  uids: number[];
  /** Real, effective, saved and filesystem group ids. */
  gids: number[];
}

/** How often killMatching looks again: a program may fork while its processes are killed. */
const KILL_ROUNDS = 50;
const ROUND_PAUSE_MS = 10;

function ids(status: string, field: 'Uid' | 'Gid'): number[] {
  const line = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
  return line.trim().split(/\s+/).map(Number);
}

/** The process, or null when it is gone or a zombie (dead, waiting for its parent). */
async function viewOf(pid: number): Promise<ProcessView | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  if (status === null || /^State:\s*[ZX]/m.test(status)) return null;
  return { pid, uids: ids(status, 'Uid'), gids: ids(status, 'Gid') };
}

/** Every live process but this one. */
async function liveProcesses(): Promise<ProcessView[]> {
  const pids = (await readdir('/proc'))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid);
  const views = await Promise.all(pids.map(viewOf));
  return views.filter((view): view is ProcessView => view !== null);
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

/** Whether the process works in folder, or holds a file or folder inside it open. */
export async function usesFolder(pid: number, folder: string): Promise<boolean> {
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => null);
  if (cwd !== null && isInside(cwd, folder)) return true;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => null);
    if (target !== null && isInside(target, folder)) return true;
  }
  return false;
}

/**
 * SIGKILLs every process that matches, looking again until none is left, since a program may
 * start new ones while its others die. Resolves with how many were still alive at the end
 * (stuck in the kernel, say).
 */
export async function killMatching(
  matches: (process: ProcessView) => boolean | Promise<boolean>,
): Promise<number> {
  let left: ProcessView[] = [];
  for (let round = 0; round < KILL_ROUNDS; round++) {
    left = [];
    for (const view of await liveProcesses()) {
      if (await matches(view)) left.push(view);
    }
    if (left.length === 0) return 0;
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    await sleep(ROUND_PAUSE_MS);
  }
  return left.length;
}
