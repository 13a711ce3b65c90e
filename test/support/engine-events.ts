import type { EventEmitter } from 'node:events';
import type { Engine } from '../../src/engine/engine.ts';
import type { EngineEvents } from '../../src/engine/engine-events.ts';

/** How long an awaited event may take before the test fails saying which it waited for. */
const EVENT_TIMEOUT_MS = 30_000;

/**
 * The next event of this name the engine emits whose arguments match, once it is emitted:
 * the one helper tests await the engine through. Subscribe before doing what causes the event
 * (call this, then act, then await). Fails after EVENT_TIMEOUT_MS naming what it waited for.
 */
export function nextEvent<K extends keyof EngineEvents>(
  engine: Engine,
  name: K,
  matches: (...args: EngineEvents[K]) => boolean = () => true,
): Promise<EngineEvents[K]> {
  // Node's typings cannot tie a generic event name to its listener; the signature above does.
  const events = engine.events as unknown as EventEmitter;
  return new Promise((resolve, reject) => {
    const listener = (...emitted: unknown[]) => {
      const args = emitted as EngineEvents[K];
      if (!matches(...args)) return;
      clearTimeout(timer);
      events.off(name, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      events.off(name, listener);
      reject(new Error(`no "${String(name)}" event of the engine came in ${EVENT_TIMEOUT_MS} ms`));
    }, EVENT_TIMEOUT_MS);
    events.on(name, listener);
  });
}
