import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One invocation of a component (a job, an action, a series source, an event trigger), as the
 * component guard finds it from an error that escaped the component's own code.
 */
export interface ComponentScope {
  /** How messages name it, e.g. "job export (sftp-upload) of run 0193…". */
  readonly label: string;
  /** Ends the invocation with the error, if it still runs; says what became of it, for the log. */
  fail(error: Error): string;
  /** Hides the secrets of the component's task in text about it (for the server's log). */
  redact: (text: string) => string;
}

/** Which invocation runComponent runs, and under which run. */
export interface Invocation {
  label: string;
  /** The run's signal: when it aborts, the invocation ends "stopped". */
  signal: AbortSignal;
  redact: (text: string) => string;
}

// Everything a component starts (timers, sockets, promises) inherits the store, so the
// process-level handlers see it again when a callback of the component throws; Node 20 also
// restores it around 'unhandledRejection' (it enters the rejected promise's context).
const scopes = new AsyncLocalStorage<ComponentScope>();

/** The component whose code is executing now, if any. */
export function currentComponent(): ComponentScope | undefined {
  return scopes.getStore();
}

/** Runs fn as the scope: whatever it starts is attributed to that component. */
export function inComponentScope<T>(scope: ComponentScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/**
 * Runs fn outside any component, for engine work that a component's callback may set off
 * (a store signal, a run it queued): a bug there is the server's, not the component's.
 */
export function outsideComponents<T>(fn: () => T): T {
  return scopes.exit(fn);
}

/**
 * The scope event triggers run in: they have no run to fail, so an error escaping their
 * callbacks is only logged (by the guard), and they keep running.
 */
export function triggerScope(label: string): ComponentScope {
  return { label, fail: () => 'it keeps running', redact: (text) => text };
}

/** An error escaped as the component's failure; a non-Error thrown value becomes one. */
function escapedFailure(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`unhandled error in the component: ${message || 'failed'}`);
}

/**
 * Runs one invocation of a component in its own scope. It settles with the component's
 * result; or with the first error that escapes the component (reported by the guard, see
 * component-guard.ts); or with "stopped" when the run's signal aborts, so that neither a lost
 * error nor a component that ignores its signal can hold the run. The component gets a signal
 * of its own that an escaped error also aborts, so a failed component lets go of what it holds.
 */
export function runComponent<T>(
  invocation: Invocation,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { label, redact, signal: runSignal } = invocation;
  if (runSignal.aborted) return Promise.reject(new Error('stopped'));
  const own = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let ended = false;
    const end = (settle: () => void) => {
      if (ended) return false;
      ended = true;
      runSignal.removeEventListener('abort', onAbort);
      settle();
      return true;
    };
    const onAbort = () => {
      own.abort(runSignal.reason);
      end(() => reject(new Error('stopped')));
    };
    runSignal.addEventListener('abort', onAbort, { once: true });
    const scope: ComponentScope = {
      label,
      redact,
      fail: (error) => {
        const failed = end(() => {
          own.abort('failed');
          reject(escapedFailure(error));
        });
        return failed ? 'it failed' : 'it had already ended, so nothing else changes';
      },
    };
    inComponentScope(scope, () => {
      // A kind's run() that throws before returning a promise fails like one that rejects.
      void Promise.resolve()
        .then(() => work(own.signal))
        .then(
          (value) => end(() => resolve(value)),
          (error: unknown) =>
            end(() => reject(error instanceof Error ? error : new Error(String(error)))),
        );
    });
  });
}
