import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SECRET_MASK, SecretBox } from '../../src/secrets/secret-box.ts';

const KEY = 'the server secret of the secret-box tests';
const WRONG_KEY = /a stored secret cannot be decrypted: was the server secret changed\?/;

/** The sealed value with one byte of its payload (after the prefix) changed. */
function withByteFlipped(sealed: string, index: number): string {
  const prefix = 'enc:v1:';
  const bytes = Buffer.from(sealed.slice(prefix.length), 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return prefix + bytes.toString('base64url');
}

describe('SecretBox', () => {
  const box = new SecretBox(KEY);

  it('opens what it sealed', () => {
    for (const clear of ['p', 'hunter2', 'pässwörd 🔑 密码', 'x'.repeat(10_000), SECRET_MASK]) {
      const sealed = box.seal(clear);
      assert.ok(sealed.startsWith('enc:v1:'), sealed);
      if (clear.length > 3) assert.ok(!sealed.includes(clear), 'no clear text in the sealed value');
      assert.equal(box.open(sealed), clear);
    }
  });

  it('opens what another box with the same server secret sealed (a restarted server)', () => {
    assert.equal(new SecretBox(KEY).open(box.seal('kept across restarts')), 'kept across restarts');
  });

  it('opens any text it sealed (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), (clear) => {
        assert.equal(box.open(box.seal(clear)), clear);
      }),
      { seed: 5545, numRuns: 300 },
    );
  });

  it('seals equal texts differently (a fresh IV each time)', () => {
    const sealed = Array.from({ length: 50 }, () => box.seal('same password'));
    assert.equal(new Set(sealed).size, sealed.length);
    const ivs = sealed.map((value) => Buffer.from(value.slice(7), 'base64url').subarray(0, 12));
    assert.equal(new Set(ivs.map((iv) => iv.toString('hex'))).size, ivs.length);
    for (const value of sealed) assert.equal(box.open(value), 'same password');
  });

  it('refuses a value sealed with another server secret, with a clear message', () => {
    const other = new SecretBox('another server secret');
    assert.throws(() => other.open(box.seal('secret')), WRONG_KEY);
    assert.throws(() => box.open(other.seal('secret')), WRONG_KEY);
  });

  it('refuses a value whose IV, tag or cipher text was altered', () => {
    const sealed = box.seal('do not touch');
    const length = Buffer.from(sealed.slice(7), 'base64url').length;
    // IV (bytes 0-11), tag (12-27), cipher text (28-).
    for (const index of [0, 11, 12, 27, 28, length - 1]) {
      assert.throws(() => box.open(withByteFlipped(sealed, index)), WRONG_KEY, `byte ${index}`);
    }
  });

  it('refuses a value that was extended or lost part of its cipher text', () => {
    const sealed = box.seal('do not touch');
    assert.throws(() => box.open(sealed.slice(0, -4)), WRONG_KEY);
    assert.throws(() => box.open(`${sealed}AAAA`), WRONG_KEY);
  });

  it('refuses a value cut inside its IV or tag with the same clear message', () => {
    const sealed = box.seal('do not touch');
    // 7 + 30 characters: the IV and 10 bytes of the 16-byte tag.
    for (const cut of [
      'enc:v1:',
      'enc:v1:AAAA',
      sealed.slice(0, 7 + 16),
      sealed.slice(0, 7 + 30),
    ]) {
      assert.throws(() => box.open(cut), WRONG_KEY, cut);
    }
  });

  it('keeps an empty secret empty, sealed or opened', () => {
    assert.equal(box.seal(''), '');
    assert.equal(box.open(''), '');
  });

  it('seals a text that looks sealed as text, and passes clear text through open', () => {
    const sealed = box.seal('once');
    const again = box.seal(sealed);
    assert.notEqual(again, sealed, 'a planted sealed value is not taken as it is');
    assert.equal(box.open(again), sealed, 'it opens to the text that was sent');
    assert.equal(box.open('typed in clear'), 'typed in clear');
  });

  it('tells sealed values from clear ones', () => {
    assert.equal(SecretBox.isSealed(box.seal('x')), true);
    assert.equal(SecretBox.isSealed('x'), false);
    assert.equal(SecretBox.isSealed(''), false);
    assert.equal(SecretBox.isSealed(SECRET_MASK), false);
  });
});
