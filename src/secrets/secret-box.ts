import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What the API shows instead of a secret; sending it back keeps the stored secret. */
export const SECRET_MASK = '••••••••';

/** Encrypts secrets at rest with the server's key (AES-256-GCM, a fresh IV per value). */
export class SecretBox {
  readonly #key: Buffer;

  constructor(serverSecret: string) {
    this.#key = createHash('sha256').update(`taskplanner.secrets:${serverSecret}`).digest();
  }

  /** Whether text is a value this box sealed (and not a secret typed in clear). */
  static isSealed(text: string): boolean {
    return text.startsWith(PREFIX);
  }

  /** Encrypts any non-empty text, even one that looks sealed (it is then a password like any). */
  seal(clear: string): string {
    if (clear === '') return clear;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const data = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
  }

  /** The clear text; throws when the value was sealed with another key or was altered. */
  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) return sealed;
    const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    try {
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error('a stored secret cannot be decrypted: was the server secret changed?');
    }
  }
}
