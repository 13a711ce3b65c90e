import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDataDir } from './store/open-store.ts';

const FILE_NAME = 'secret.key';

/**
 * The key for secrets at rest: the configured one, or one generated on first start
 * and kept in the data folder (0700), readable by the owner only (0600).
 */
export function resolveSecretKey(configured: string | null, dataDir: string): string {
  if (configured !== null) return configured;
  prepareDataDir(dataDir);
  const file = join(dataDir, FILE_NAME);
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
