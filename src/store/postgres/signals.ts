import { sql } from 'kysely';
import pg from 'pg';
import type { Signal } from '../store.ts';
import type { SignalChannel } from '../sql/traits.ts';

const RECONNECT_MS = 1000;

function parseSignal(payload: string | undefined): Signal | undefined {
  try {
    return payload === undefined ? undefined : (JSON.parse(payload) as Signal);
  } catch {
    return undefined;
  }
}

/**
 * LISTEN/NOTIFY on one channel per schema. Notices sent in a transaction arrive when it
 * commits. The listening connection is opened on the first subscriber and reopened when lost;
 * a node that reconnects is woken, since it may have missed notices meanwhile.
 */
export function postgresSignals(
  clientConfig: pg.ClientConfig,
  schema: string | undefined,
): SignalChannel {
  const channel = `taskplanner_${schema ?? 'public'}`;
  const listeners = new Set<(signal: Signal) => void>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const deliver = (signal: Signal) => {
    for (const listener of listeners) listener(signal);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client(clientConfig);
    next.on('notification', (message) => {
      const signal = parseSignal(message.payload);
      if (signal) deliver(signal);
    });
    next.on('error', () => reconnect(next));
    next.on('end', () => reconnect(next));
    client = next;
    try {
      await next.connect();
      await next.query(`listen ${channel}`);
      deliver({ type: 'wake' });
    } catch {
      reconnect(next);
    }
  };
  const reconnect = (lost: pg.Client) => {
    if (closed || client !== lost) return;
    client = undefined;
    lost.end().catch(() => {});
    retry = setTimeout(() => void connect(), RECONNECT_MS);
  };

  return {
    publish: async (db, signal) => {
      await sql`select pg_notify(${channel}, ${JSON.stringify(signal)})`.execute(db);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (!client && !closed && !retry) void connect();
      return () => listeners.delete(listener);
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      listeners.clear();
      await client?.end().catch(() => {});
    },
  };
}
