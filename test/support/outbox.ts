import assert from 'node:assert/strict';
import { isFinalOutboxState, type OutboxEntry } from '../../src/domain/outbox.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { Store } from '../../src/store/store.ts';
import type { ApiClient } from './api-client.ts';
import { happenedOrNextEvent } from './engine-events.ts';

/** Whether every message of the run is done (or, with until, in one of those states). */
async function runMailIn(store: Store, runId: string, until: (entry: OutboxEntry) => boolean) {
  const entries = await store.outbox.ofRun(runId);
  return entries.length > 0 && entries.every(until);
}

/**
 * Resolves with the run's outbox messages once each is done (sent, partly sent, failed or
 * canceled), or in a state `until` accepts: on the engine's "mail" events, never by polling.
 */
export async function runMail(
  engine: Engine,
  store: Store,
  runId: string,
  until: (entry: OutboxEntry) => boolean = (entry) => isFinalOutboxState(entry.state),
): Promise<OutboxEntry[]> {
  for (;;) {
    if (await runMailIn(store, runId, until)) return store.outbox.ofRun(runId);
    await happenedOrNextEvent(
      engine,
      'mail',
      () => true,
      () => runMailIn(store, runId, until),
    );
  }
}

/** Makes 127.0.0.1:port (an SMTP peer, or nothing) the default SMTP server, as the admin. */
export async function useDefaultSmtp(admin: ApiClient, port: number): Promise<void> {
  const smtp = { host: '127.0.0.1', port, secure: false, user: '', from: 'planner@example.com' };
  const changed = await admin.patch('/api/v1/settings', { smtp });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
}

/** A message tried (and settled) at least n times: for runMail's until. */
export const triedAtLeast = (n: number) => (entry: OutboxEntry) =>
  entry.attempts >= n && entry.state !== 'sending';
