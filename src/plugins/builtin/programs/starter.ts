import { accessSync, constants } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { watch } from './watchdog.ts';

/**
 * The shell every program starts in. It is the program's process (group leader) from the start:
 * it waits on fd 3 for the server's "go", which the server sends only once the watchdog knows the
 * process group (should the server die first, the read fails and nothing runs), then replaces
 * itself with the program by exec, closing fd 3: same pid and process group, and the exit status
 * is the program's own. Should that exec fail, the shell says so on fd 3 with its status (127:
 * not found, 126: not executable) before it exits.
 */
export const STARTER_SHELL = '/bin/sh';

const STARTER_SCRIPT = [
  'IFS= read -r go <&3 && [ "$go" = go ] || exit 125',
  `trap 'echo "failed $?" >&3' EXIT`,
  'exec "$@" 3>&-',
].join('\n');

/** The fd of the starter's channel to the server: its index in spawn()'s stdio. */
const CHANNEL_FD = 3;

/** A program the starter could not execute: code ENOENT (not found) or EACCES (not executable). */
export class ExecFailure extends Error {
  constructor(readonly code: 'ENOENT' | 'EACCES') {
    super(`exec failed: ${code}`);
    this.name = 'ExecFailure';
  }
}

let checked = false;

/** Refuses, naming what is missing, unless programs can be started here. Checks once. */
function checkStarter(): void {
  if (checked) return;
  if (process.platform === 'win32') {
    throw new Error(
      'programs can run only on Linux or another POSIX system: on Windows nothing would end them should the server die',
    );
  }
  try {
    accessSync(STARTER_SHELL, constants.X_OK);
  } catch {
    throw new Error(`programs cannot be started: ${STARTER_SHELL} is missing or not executable`);
  }
  checked = true;
}

/**
 * The arguments of STARTER_SHELL that start program with args; spawn() must give it a pipe as
 * fd 3, its channel to the server.
 */
export function starterArguments(program: string, args: readonly string[]): string[] {
  checkStarter();
  return ['-c', STARTER_SCRIPT, 'taskplanner-start', program, ...args];
}

/** Everything the starter writes on its channel, once the channel has closed (exec or exit). */
function told(channel: Duplex): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    channel.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    // A write to a starter that is gone fails; its exit says the rest.
    channel.on('error', () => {});
    channel.once('close', () => resolve(text));
  });
}

/**
 * Lets a program spawned as STARTER_SHELL with starterArguments() run, once the watchdog will
 * kill its process group should the server die. Resolves when the program runs (or the starter
 * was killed first), with the function that releases the group from the watchdog: call it once
 * the program has exited and its group was killed. Rejects with an ExecFailure when the program
 * could not be executed, or with the watchdog's error; then nothing ran.
 */
export async function letProgramRun(child: ChildProcess, pid: number): Promise<() => void> {
  const channel = child.stdio[CHANNEL_FD] as Duplex;
  const said = told(channel);
  let unwatch: () => void;
  try {
    unwatch = await watch({ kind: 'group', id: pid });
  } catch (error) {
    // The starter reads the end of its channel and exits without running the program.
    channel.destroy();
    throw error;
  }
  channel.write('go\n');
  const status = /^failed (\d+)/.exec(await said)?.[1];
  if (status === undefined) return unwatch;
  unwatch();
  throw new ExecFailure(status === '127' ? 'ENOENT' : 'EACCES');
}
