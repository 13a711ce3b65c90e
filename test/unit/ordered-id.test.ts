import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderedId } from '../../src/domain/ordered-id.ts';

describe('orderedId', () => {
  it('sorts ids in the order they were made, whatever times they are given', () => {
    const times = [1000, 1001, 1000, 1000, 999, 5000, 5000, 4000];
    const ids = times.map((time) => orderedId(time));
    assert.deepEqual([...ids].sort(), ids);
  });

  it('stays ordered past 4096 ids in one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => orderedId(2_000_000));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('is a version 7 UUID carrying the time', () => {
    const id = orderedId(Date.parse('2030-01-01T00:00:00Z'));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const millis = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    assert.ok(millis >= Date.parse('2030-01-01T00:00:00Z'));
  });
});
