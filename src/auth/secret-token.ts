import { createHash, randomBytes } from 'node:crypto';

/** A fresh high-entropy secret with a recognisable prefix, e.g. "tpat_…". */
export function newSecretToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Secrets are random, so a fast hash is enough to store them safely. */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
