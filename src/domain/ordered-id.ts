import { randomBytes } from 'node:crypto';

const MAX_SEQUENCE = 0xfff;
let lastMillis = -1;
let sequence = 0;

/**
 * A UUIDv7 for about the given time. Ids made later in this process always sort
 * after ids made earlier: when the clock stands still or steps back, or the 12-bit
 * sequence of one millisecond is used up, the id's time moves on past the last one.
 */
export function orderedId(atMillis: number): string {
  if (atMillis > lastMillis) {
    lastMillis = atMillis;
    sequence = 0;
  } else if (sequence < MAX_SEQUENCE) {
    sequence += 1;
  } else {
    lastMillis += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMillis, 0, 6);
  bytes.writeUInt16BE(0x7000 | sequence, 6);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
