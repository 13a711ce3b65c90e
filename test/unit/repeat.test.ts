import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { coerceError, errorDetails } from '../../src/domain/coerce-error.ts';
import { repeat } from '../../src/engine/repeat.ts';
import { FakeClock } from '../support/fake-clock.ts';

describe('repeat', () => {
  it('calls on the clock, never overlapping, and goes on after a failure', async () => {
    const clock = new FakeClock(0);
    const calls: number[] = [];
    const errors: unknown[] = [];
    let finishCall: () => void = () => {};
    const repeating = repeat(
      clock,
      100,
      async () => {
        calls.push(clock.now());
        if (calls.length === 1) throw new Error('first fails');
        if (calls.length === 2) await new Promise<void>((resolve) => (finishCall = resolve));
      },
      (error) => errors.push(error),
    );
    await clock.advance(99);
    assert.deepEqual(calls, [], 'not before its time');
    await clock.advance(1);
    await tick();
    assert.deepEqual(calls, [100]);
    assert.equal(coerceError(errors[0]).message, 'first fails');
    await clock.advance(100);
    assert.deepEqual(calls, [100, 200], 'the failure did not end the repetition');
    await clock.advance(500);
    assert.deepEqual(calls, [100, 200], 'no second call while the last one is in progress');
    finishCall();
    await tick();
    await clock.advance(100);
    assert.deepEqual(calls, [100, 200, 800], 'the next comes ms after the last settled');
    await repeating.stop();
    await clock.advance(1000);
    assert.equal(calls.length, 3, 'none after stop');
  });

  it('stop waits for the call in progress', async () => {
    const clock = new FakeClock(0);
    let finished = false;
    let release: () => void = () => {};
    const repeating = repeat(
      clock,
      10,
      async () => {
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
      () => {},
    );
    await clock.advance(10);
    await tick();
    const stopped = repeating.stop().then(() => finished);
    release();
    assert.equal(await stopped, true);
  });
});

describe('coerceError and errorDetails', () => {
  it('wraps what is not an Error, keeping the value as the cause', () => {
    assert.equal(coerceError('plain text').message, 'plain text');
    const wrapped = coerceError({ code: 42 });
    assert.equal(wrapped.message, '{"code":42}');
    assert.deepEqual(wrapped.cause, { code: 42 });
    const original = new TypeError('as it is');
    assert.equal(coerceError(original), original);
  });

  it('keeps the stack and every cause for the log', () => {
    const root = new Error('connection refused');
    const error = new Error('could not claim', { cause: root });
    const details = errorDetails(error);
    assert.match(details, /^Error: could not claim\n\s+at /);
    assert.match(details, /caused by: Error: connection refused/);
  });
});
