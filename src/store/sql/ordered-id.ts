import { randomBytes } from 'node:crypto';

let lastMillis = -1;
let sequence = 0;

/**
 * A UUIDv7 for the given time: ids made later sort after ids made earlier, also
 * within one millisecond in this process (a 12-bit sequence counts them).
 */
export function orderedId(atMillis: number): string {
  if (atMillis === lastMillis) {
    sequence = (sequence + 1) & 0xfff;
  } else {
    lastMillis = atMillis;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(atMillis, 0, 6);
  bytes.writeUInt16BE(0x7000 | sequence, 6);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
