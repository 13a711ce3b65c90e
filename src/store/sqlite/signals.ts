import { EventEmitter } from 'node:events';
import type { Signal } from '../store.ts';
import type { SignalChannel } from '../sql/traits.ts';

/** SQLite serves one process: signals stay inside it, delivered after the current step. */
export function sqliteSignals(): SignalChannel {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: async (_db, signal) => {
      setImmediate(() => emitter.emit('signal', signal));
    },
    subscribe: (listener) => {
      const deliver = (signal: Signal) => listener(signal);
      emitter.on('signal', deliver);
      return () => emitter.off('signal', deliver);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}
