import type { Clock } from './clock.ts';

/** A task repeated on a clock. */
export interface Repeating {
  /** Cancels the next call and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Calls fn every ms on the clock (the engine's, so tests drive it), the next call ms after the
 * previous one settled: calls never overlap. A call that fails goes to onError and the next one
 * comes as planned. A fn that returns at once (starting work of its own) keeps a steady beat.
 */
export function repeat(
  clock: Clock,
  ms: number,
  fn: () => void | Promise<void>,
  onError: (error: unknown) => void,
): Repeating {
  let cancel: () => void = () => {};
  let inProgress: Promise<void> | null = null;
  let stopped = false;
  const schedule = () => {
    cancel = clock.setTimer(ms, () => {
      inProgress = Promise.resolve()
        .then(fn)
        .catch(onError)
        .finally(() => {
          inProgress = null;
          if (!stopped) schedule();
        });
    });
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      cancel();
      await inProgress;
    },
  };
}
