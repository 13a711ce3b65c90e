import type { EventEmitter } from 'node:events';
import type { Engine } from '../../src/engine/engine.ts';
import type { EngineEvents } from '../../src/engine/engine-events.ts';

/** How long an awaited event may take before the test fails saying which it waited for. */
const EVENT_TIMEOUT_MS = 30_000;

/** How a wait for an event may end early: once the signal aborts, it rejects. */
export interface NextEventOptions {
  signal?: AbortSignal;
}

/**
 * The next event of this name the engine emits whose arguments match, once it is emitted:
 * the one helper tests await the engine through. Subscribe before doing what causes the event
 * (call this, then act, then await). Fails after EVENT_TIMEOUT_MS naming what it waited for.
 */
export function nextEvent<K extends keyof EngineEvents>(
  engine: Engine,
  name: K,
  matches: (...args: EngineEvents[K]) => boolean = () => true,
  options: NextEventOptions = {},
): Promise<EngineEvents[K]> {
  // Node's typings cannot tie a generic event name to its listener; the signature above does.
  const events = engine.events as unknown as EventEmitter;
  const { signal } = options;
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      events.off(name, listener);
      signal?.removeEventListener('abort', abort);
    };
    const listener = (...emitted: unknown[]) => {
      const args = emitted as EngineEvents[K];
      if (!matches(...args)) return;
      finish();
      resolve(args);
    };
    const abort = () => {
      finish();
      reject(new Error(`stopped waiting for a "${String(name)}" event`, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no "${String(name)}" event of the engine came in ${EVENT_TIMEOUT_MS} ms`));
    }, EVENT_TIMEOUT_MS);
    events.on(name, listener);
    signal?.addEventListener('abort', abort);
  });
}

/**
 * Resolves once `happened()` says so, or else on the next matching event: for what may have
 * happened before the test looked. Subscribes first, then asks, so nothing falls between.
 */
export async function happenedOrNextEvent<K extends keyof EngineEvents>(
  engine: Engine,
  name: K,
  matches: (...args: EngineEvents[K]) => boolean,
  happened: () => boolean | Promise<boolean>,
): Promise<void> {
  const stop = new AbortController();
  const next = nextEvent(engine, name, matches, { signal: stop.signal });
  // Not awaited when it already happened: its abort below must not go unhandled.
  next.catch(() => {});
  try {
    if (await happened()) return;
    await next;
  } finally {
    stop.abort();
  }
}
