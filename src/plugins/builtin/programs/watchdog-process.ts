// The watchdog of one server (see watchdog.ts), run as its own process: it reads from its stdin,
// a pipe from the server, what to kill should the server die, and when that pipe ends (the
// server exited, however it ended) SIGKILLs what is still registered, then exits.
import { createInterface } from 'node:readline';
import { killMatching } from './leftover-processes.ts';
import { parseWatchLine } from './watch-lines.ts';

const groups = new Set<number>();
const gids = new Set<number>();

function apply(line: string): void {
  const parsed = parseWatchLine(line);
  if (parsed === null) return;
  const set = parsed.target.kind === 'group' ? groups : gids;
  if (parsed.add) set.add(parsed.target.id);
  else set.delete(parsed.target.id);
}

/** Kills every registered process group, then every process with a registered group id. */
async function killAll(): Promise<void> {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Ended already.
    }
  }
  if (gids.size === 0) return;
  const left = await killMatching((view) => view.gids.some((gid) => gids.has(gid)));
  if (left > 0) console.error(`taskplanner watchdog: ${left} process(es) could not be killed`);
}

// Only the end of the pipe ends it: not a Ctrl-C in the server's terminal, nor a SIGTERM or
// SIGHUP sent to the server's process group or service.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
const lines = createInterface({ input: process.stdin });
lines.on('line', apply);
lines.on('close', () => {
  void killAll().finally(() => process.exit(0));
});
// A server that died before reading this must not take the watchdog along (EPIPE).
process.stdout.on('error', () => {});
process.stdout.write('ready\n');
