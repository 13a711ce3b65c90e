import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE_NAME = 'secret.key';

/**
 * The key for secrets at rest: the configured one, or one generated on first start
 * and kept in the data folder, readable by the owner only.
 */
export function resolveSecretKey(configured: string | null, dataDir: string): string {
  if (configured !== null) return configured;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, FILE_NAME);
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
