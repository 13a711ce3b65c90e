/** Letters and digits that cannot be mistaken for one another when read out or typed. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/** One random character, without modulo bias: values above the last full alphabet are drawn again. */
function randomCharacter(): string {
  const limit = 256 - (256 % ALPHABET.length);
  const byte = new Uint8Array(1);
  do crypto.getRandomValues(byte);
  while ((byte[0] ?? limit) >= limit);
  return ALPHABET[(byte[0] ?? 0) % ALPHABET.length] ?? '';
}

/**
 * A strong random password for someone else to change at first login: four groups of five
 * (about 116 bits), with hyphens between them so it is easy to read out.
 */
export function generatePassword(): string {
  const group = () => Array.from({ length: GROUP_LENGTH }, randomCharacter).join('');
  return Array.from({ length: GROUPS }, group).join('-');
}
