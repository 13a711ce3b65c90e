import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from '../../src/auth/login-throttle.ts';
import { AppError } from '../../src/domain/errors.ts';

function lockedFor(throttle: LoginThrottle, key: string): number {
  try {
    throttle.check([key]);
    return 0;
  } catch (error) {
    assert.ok(error instanceof AppError && error.code === 'TOO_MANY_ATTEMPTS');
    return Number(error.headers['retry-after']);
  }
}

describe('LoginThrottle', () => {
  it('allows the free failures, then locks for a time that doubles with each failure', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now, { freeFailures: 3 });
    for (let i = 0; i < 2; i++) throttle.recordFailure(['alice']);
    assert.equal(lockedFor(throttle, 'alice'), 0);
    throttle.recordFailure(['alice']);
    assert.equal(lockedFor(throttle, 'alice'), 1);
    throttle.recordFailure(['alice']);
    assert.equal(lockedFor(throttle, 'alice'), 2);
    throttle.recordFailure(['alice']);
    assert.equal(lockedFor(throttle, 'alice'), 4);
    now += 4000;
    assert.equal(lockedFor(throttle, 'alice'), 0, 'the lock ends');
    assert.equal(lockedFor(throttle, 'bob'), 0, 'other keys are not affected');
  });

  it('caps the lock and forgets failures after a quiet period', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now, {
      freeFailures: 1,
      maxLockMs: 10_000,
      forgetAfterMs: 60_000,
    });
    for (let i = 0; i < 40; i++) throttle.recordFailure(['k']);
    assert.equal(lockedFor(throttle, 'k'), 10);
    now += 61_000;
    assert.equal(lockedFor(throttle, 'k'), 0);
    throttle.recordFailure(['k']);
    assert.equal(lockedFor(throttle, 'k'), 1, 'counting starts afresh');
  });

  it('clears a key on success', () => {
    const throttle = new LoginThrottle(() => 0, { freeFailures: 1 });
    throttle.recordFailure(['k']);
    throttle.recordSuccess(['k']);
    assert.equal(lockedFor(throttle, 'k'), 0);
  });

  it('keeps memory bounded under a flood of distinct keys', () => {
    const throttle = new LoginThrottle(() => 0, { freeFailures: 1, maxKeys: 100 });
    throttle.recordFailure(['first']);
    for (let i = 0; i < 1000; i++) throttle.recordFailure([`flood-${i}`]);
    assert.equal(lockedFor(throttle, 'first'), 0, 'the oldest entries were dropped');
    assert.ok(lockedFor(throttle, 'flood-999') > 0);
  });
});
