import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { coerceError } from '../../../domain/coerce-error.ts';

/** The unprivileged OS account programs run as. */
export interface ProgramUser {
  name: string;
  uid: number;
  gid: number;
}

/** Why programs cannot be run as another user here; the message says what to change. */
export class ProgramUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramUserError';
  }
}

/**
 * What the server does to a program and its folder, by capability bit: switch its user and
 * group, give it its folder and take it back, read what it wrote, and kill what it left.
 */
const NEEDED_CAPABILITIES = {
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_FOWNER: 3,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
} as const;

/** The capabilities in NEEDED_CAPABILITIES that a /proc/<pid>/status text does not hold. */
export function missingCapabilities(status: string): string[] {
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  const effective = hex === undefined ? 0n : BigInt(`0x${hex}`);
  return Object.entries(NEEDED_CAPABILITIES)
    .filter(([, bit]) => (effective & (1n << BigInt(bit))) === 0n)
    .map(([name]) => name);
}

/** Refuses unless this process may switch programs to another user (Linux only: /proc is needed too). */
export function checkCanSwitchUser(): void {
  if (process.platform !== 'linux') {
    throw new ProgramUserError('running programs as another user is supported on Linux only');
  }
  const missing = missingCapabilities(readFileSync('/proc/self/status', 'utf8'));
  if (missing.length > 0) {
    throw new ProgramUserError(
      `the server cannot run programs as another user: it must run as root, or hold ${Object.keys(NEEDED_CAPABILITIES).join(', ')} (it lacks ${missing.join(', ')})`,
    );
  }
}

/** The passwd entry of a user name or uid, through NSS (so directory users count too). */
function passwdEntry(user: string): string | null {
  try {
    return execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).split('\n')[0] ?? null;
  } catch (error) {
    // getent exits with 2 when the user does not exist.
    if ((error as { status?: unknown }).status === 2) return null;
    throw new ProgramUserError(
      `the user ${user} could not be looked up: ${coerceError(error).message}`,
    );
  }
}

/**
 * The account programs are to run as. Refuses root and the server's own user: either would
 * give programs the server's rights, which is what a separate user is for.
 */
export function lookUpProgramUser(user: string): ProgramUser {
  const fields = passwdEntry(user)?.split(':');
  if (fields === undefined) throw new ProgramUserError(`there is no user ${user}`);
  const [name = user, , uid, gid] = fields;
  const found = { name, uid: Number(uid), gid: Number(gid) };
  if (!Number.isInteger(found.uid) || !Number.isInteger(found.gid)) {
    throw new ProgramUserError(`the passwd entry of ${user} is not readable`);
  }
  if (found.uid === 0 || found.gid === 0) {
    throw new ProgramUserError(`${user} is root or in root's group; name an unprivileged user`);
  }
  if (found.uid === process.getuid?.()) {
    throw new ProgramUserError(`${user} is the server's own user; name a separate one`);
  }
  return found;
}
