import { execFileSync, spawnSync } from 'node:child_process';

/** The unprivileged user the tests run programs as (.ci/run creates it too). */
export const RUN_USER = 'taskplanner-run';

// Under CI=true a machine where this cannot run fails the tests instead of skipping them.
/** Why tests that run programs as another user cannot run here; false when they can. */
export const RUN_AS_SKIP =
  process.platform === 'linux' && process.getuid?.() === 0
    ? false
    : process.env.CI === 'true'
      ? false
      : 'needs root on Linux, to run programs as another user';

/** Creates RUN_USER unless it exists; returns its uid and gid. */
export function ensureRunUser(): { uid: number; gid: number } {
  if (spawnSync('getent', ['passwd', RUN_USER]).status !== 0) {
    execFileSync('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      RUN_USER,
    ]);
  }
  const [, , uid, gid] = execFileSync('getent', ['passwd', RUN_USER], { encoding: 'utf8' }).split(
    ':',
  );
  return { uid: Number(uid), gid: Number(gid) };
}
