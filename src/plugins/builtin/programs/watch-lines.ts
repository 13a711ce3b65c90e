/** What the watchdog kills should the server die: a process group, or every process of a group id. */
export interface WatchTarget {
  kind: 'group' | 'gid';
  id: number;
}

/** The line that tells the watchdog to add (or, with add false, to forget) a target. */
export function watchLine(target: WatchTarget, add: boolean): string {
  return `${add ? '+' : '-'} ${target.kind} ${target.id}\n`;
}

/**
 * A line of watchLine() read back; null for anything else, and for ids that would reach beyond
 * a run: process group 1 and below (kill(-1) is every process), group id 0 (root's).
 */
export function parseWatchLine(line: string): { add: boolean; target: WatchTarget } | null {
  const match = /^([+-]) (group|gid) (\d{1,10})$/.exec(line);
  if (match === null) return null;
  const [, sign, kind, digits] = match;
  const id = Number(digits);
  if (kind === 'group' ? id <= 1 : id === 0) return null;
  return { add: sign === '+', target: { kind: kind === 'group' ? 'group' : 'gid', id } };
}
