import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OutboxEntry } from '../../src/domain/outbox.ts';
import { MAX_RUN_LOG_CHARS } from '../../src/domain/run.ts';
import { ENGINE_DEFAULTS, Engine } from '../../src/engine/engine.ts';
import { composeMail } from '../../src/mail/compose-mail.ts';
import { outboxMessageOf } from '../../src/mail/outbox-message.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { nextEvent } from '../support/engine-events.ts';
import { gate } from '../support/test-kinds.ts';
import { waitFor } from '../support/processes.ts';
import { runTask } from '../support/engine-runs.ts';
import { runMail, triedAtLeast, useDefaultSmtp } from '../support/outbox.ts';
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from '../support/smtp-peer.ts';

/** A port nothing listens on (a peer was there a moment ago): an SMTP server that is down. */
async function freedPort(): Promise<number> {
  const peer = await startSmtpPeer();
  await peer.close();
  return peer.port;
}

const mailTo = (to: string[], subject = 'Daily report') => ({
  kind: 'email',
  config: { to, subject, body: 'Hello' },
});

for (const backend of await backends()) {
  describe(`the outbox on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    const peers: SmtpPeer[] = [];

    before(async () => {
      t = await startEngineApp(backend, 'mail-queue');
      alice = (await t.user('alice', ['taskplanner', 'action.email'])).client;
    });
    after(async () => {
      await t?.close();
      for (const peer of peers) await peer.close();
    });

    /** Starts an SMTP peer and makes it the default server. */
    async function defaultPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
      const peer = await startSmtpPeer(options);
      peers.push(peer);
      await useServer(peer.port);
      return peer;
    }

    const useServer = (port: number) => useDefaultSmtp(t.admin, port);

    /** Moves the clock to the message's next attempt and lets the nodes look for due mail. */
    async function nextAttempt(entry: OutboxEntry | undefined) {
      assert.ok(entry?.nextAttemptAt, `no next attempt planned: ${JSON.stringify(entry)}`);
      await t.clock.advance(entry.nextAttemptAt - t.clock.now());
      t.engine.wake();
    }

    it('queues the mail with the run, and delivers it once when the server is back up', async () => {
      const port = await freedPort();
      await useServer(port);
      const run = await runTask(t, alice, { actions: [mailTo(['bob@example.com'])] });
      assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
      const [waiting] = await runMail(t.engine, t.services.store, run.id, triedAtLeast(1));
      assert.equal(waiting?.state, 'retrying');
      assert.match(
        String(waiting?.lastError),
        new RegExp(`could not reach SMTP server 127\\.0\\.0\\.1:${port}`),
      );
      assert.equal(
        waiting?.nextAttemptAt,
        t.clock.now() + 60_000,
        'the first retry is a minute later',
      );
      assert.deepEqual(
        waiting?.recipients.map((r) => r.state),
        ['pending'],
      );

      const peer = await startSmtpPeer({ port });
      peers.push(peer);
      await nextAttempt(waiting);
      const [sent] = await runMail(t.engine, t.services.store, run.id);
      assert.equal(sent?.state, 'sent');
      assert.equal(sent?.attempts, 2);
      assert.equal(peer.received.length, 1);
      assert.equal(peer.received[0]?.mail.messageId, waiting?.messageId);
      const log = String((await alice.get(`/api/v1/runs/${run.id}/log`)).body);
      assert.match(log, /queued for delivery to 1 recipient/);
      assert.match(
        log,
        /WARN {2}mail "Daily report" \(retrying\): bob@example\.com tried again at/,
      );
      assert.match(log, /INFO {2}mail "Daily report" \(sent\): delivered to bob@example\.com/);
    });

    it('tries again after "421 try later", with the same Message-ID, and delivers once', async () => {
      let asked = 0;
      const peer = await defaultPeer({
        answer: () =>
          asked++ === 0 ? { responseCode: 421, message: 'Too busy, try later' } : null,
      });
      const run = await runTask(t, alice, { actions: [mailTo(['bob@example.com'])] });
      const [waiting] = await runMail(t.engine, t.services.store, run.id, triedAtLeast(1));
      assert.equal(waiting?.state, 'retrying');
      assert.equal(waiting?.recipients[0]?.state, 'pending');
      assert.match(String(waiting?.recipients[0]?.response), /: 421 Too busy, try later$/);
      assert.equal(peer.received.length, 0);
      await nextAttempt(waiting);
      const [sent] = await runMail(t.engine, t.services.store, run.id);
      assert.equal(sent?.state, 'sent');
      assert.equal(peer.received.length, 1);
      assert.equal(peer.received[0]?.mail.messageId, waiting?.messageId);
    });

    it('sends to the recipient the server takes; a 550 for the other is final', async () => {
      const peer = await defaultPeer({ refuse: ['gone@example.com'] });
      const run = await runTask(t, alice, {
        actions: [mailTo(['bob@example.com', 'gone@example.com'])],
      });
      const [done] = await runMail(t.engine, t.services.store, run.id);
      assert.equal(done?.state, 'partly-sent');
      assert.equal(done?.attempts, 1, 'a final refusal is not tried again');
      assert.deepEqual(
        done?.recipients.map((r) => [r.address, r.state]),
        [
          ['bob@example.com', 'sent'],
          ['gone@example.com', 'failed'],
        ],
      );
      assert.match(String(done?.recipients[1]?.response), /^550 No such mailbox/);
      assert.deepEqual(
        peer.received.map((mail) => mail.envelope.to),
        [['bob@example.com']],
      );
    });

    it("holds a series' mail in the store while the run goes on, and sends it after its end", async () => {
      const peer = await defaultPeer();
      const created = await alice.post('/api/v1/tasks', {
        name: 'Per region',
        series: {
          kind: 'list',
          config: {
            items: [
              { gate: `mail-first-${backend.name}`, who: 'north' },
              { gate: `mail-later-${backend.name}`, who: 'south' },
            ],
          },
        },
        jobs: [{ kind: 'wait', config: { gate: '{gate}' } }],
        actions: [mailTo(['{who}@example.com'], 'Figures for {who}')],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      gate(`mail-first-${backend.name}`).open();
      const started = await alice.post(`/api/v1/tasks/${created.body.id}/run`);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const runId = String(started.body.runId);
      const store = t.services.store;
      // The first item's mail is composed and waits, held, while the second item waits.
      await waitFor(async () => (await store.outbox.ofRun(runId)).length === 1);
      const [held] = await store.outbox.ofRun(runId);
      assert.equal(held?.state, 'held');
      t.engine.wake();
      assert.equal(peer.received.length, 0, 'nothing is sent before the run ends');
      gate(`mail-later-${backend.name}`).open();
      await t.ended(runId);
      const sent = await runMail(t.engine, store, runId);
      assert.deepEqual(
        sent.map((message) => message.state),
        ['sent', 'sent'],
      );
      assert.deepEqual(peer.received.map((mail) => mail.envelope.to).sort(), [
        ['north@example.com'],
        ['south@example.com'],
      ]);
    });

    it('sends nothing for an owner disabled while the mail waited, and says why', async () => {
      await useServer(await freedPort());
      const carol = await t.user('carol', ['taskplanner', 'action.email']);
      const run = await runTask(t, carol.client, { actions: [mailTo(['bob@example.com'])] });
      const [waiting] = await runMail(t.engine, t.services.store, run.id, triedAtLeast(1));
      assert.equal(waiting?.state, 'retrying');
      const peer = await defaultPeer();
      const disabled = await t.admin.post(`/api/v1/users/${carol.id}/disable`);
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      await nextAttempt(waiting);
      const [done] = await runMail(t.engine, t.services.store, run.id);
      assert.equal(done?.state, 'failed');
      assert.equal(done?.recipients[0]?.response, "not sent: its task's owner 'carol' is disabled");
      assert.equal(peer.received.length, 0);
    });

    it("keeps notes written after a run's end within the log's limit", async () => {
      const run = await runTask(t, alice, { jobs: [{ kind: 'noop', config: {} }] });
      const { runs } = t.services.store;
      const before = String(await runs.log(run.id));
      await runs.appendLog(run.id, 'x'.repeat(MAX_RUN_LOG_CHARS - before.length + 1));
      assert.equal(await runs.log(run.id), before, 'a note past the limit is left out');
      await runs.appendLog(run.id, 'a note that fits\n');
      assert.equal(await runs.log(run.id), `${before}a note that fits\n`);
    });

    it('gives up when the retry period is over, saying so for each recipient', async () => {
      const settings = await t.admin.patch('/api/v1/settings', { mailRetryHours: 1 });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      try {
        await useServer(await freedPort());
        const run = await runTask(t, alice, { actions: [mailTo(['bob@example.com'])] });
        let [entry] = await runMail(t.engine, t.services.store, run.id, triedAtLeast(1));
        // 1, 2, 4, 8, 16 and 32 minutes, then the last attempt at the end of the hour.
        const started = t.clock.now();
        while (entry?.state === 'retrying') {
          const attempts = entry.attempts;
          await nextAttempt(entry);
          [entry] = await runMail(t.engine, t.services.store, run.id, triedAtLeast(attempts + 1));
        }
        assert.equal(entry?.state, 'failed');
        assert.equal(entry?.attempts, 7);
        assert.equal(t.clock.now() - started, 3_600_000);
        assert.match(
          String(entry?.recipients[0]?.response),
          /^gave up after 7 attempts over 1 h: could not reach SMTP server/,
        );
      } finally {
        await t.admin.patch('/api/v1/settings', { mailRetryHours: 24 });
      }
    });

    /** Resolves once every message is sent, on the engines' "mail" events. */
    async function untilSent(engines: Engine[], ids: string[]): Promise<void> {
      for (;;) {
        const stop = new AbortController();
        const next = Promise.race(
          engines.map((engine) => nextEvent(engine, 'mail', () => true, { signal: stop.signal })),
        );
        next.catch(() => {});
        const entries = await Promise.all(ids.map((id) => t.services.store.outbox.get(id)));
        if (entries.every((entry) => entry?.state === 'sent')) {
          stop.abort();
          return;
        }
        try {
          await next;
        } finally {
          stop.abort();
        }
      }
    }

    /** Writes a message to the outbox as a run's end would, while no engine runs. */
    async function queueDirectly(subject: string, runId: string | null = null) {
      const from = 'planner@example.com';
      const draft = { from, to: [], cc: [], bcc: [], body: { text: 'x' }, attachments: [] };
      const bob = { name: '', address: 'bob@example.com' };
      const mail = await composeMail({ ...draft, to: [bob], subject, date: t.clock.date() });
      const outgoing = { ...mail, subject, sender: from, recipients: [bob.address], server: null };
      const origin = { runId, taskId: null, ownerId: null, purpose: 'action' as const };
      const message = outboxMessageOf(outgoing, origin, t.services.box, t.clock.now(), 24);
      await t.services.store.outbox.add([message], 'queued');
      return message;
    }

    it('delivers after a restart what a stopped node had queued or was sending, once each', async () => {
      const peer = await defaultPeer();
      await t.stopEngine();
      const queued = await queueDirectly('Queued before the crash');
      // A claim by a process of this node that died mid-send: it never settles.
      const sending = await queueDirectly('Being sent at the crash');
      const claims = await t.services.store.outbox.claim({
        node: 'test-node',
        token: 'a-dead-process',
        now: t.clock.now(),
        expiresAt: t.clock.now() + 600_000,
        limit: 10,
      });
      assert.deepEqual(
        claims.map((claim) => claim.entry.id).sort(),
        [queued.id, sending.id].sort(),
      );
      const engine = await t.restartEngine();
      await untilSent([engine], [queued.id, sending.id]);
      const ids = peer.received.map((mail) => mail.mail.messageId).sort();
      assert.deepEqual(ids, [queued.messageId, sending.messageId].sort());
    });

    it(
      'lets two nodes share the outbox, each message sent by one of them',
      {
        skip: backend.name === 'sqlite' ? 'one process per SQLite file' : false,
      },
      async () => {
        const peer = await defaultPeer();
        const workRoot = mkdtempSync(join(tmpdir(), 'tp-work-'));
        const other = new Engine(
          t.services.store,
          t.services.registry,
          t.clock,
          { ...ENGINE_DEFAULTS, nodeName: 'other-node', workRoot },
          { info: () => {}, error: (message) => console.error(message) },
          t.services,
        );
        await other.start();
        try {
          const messages = [];
          for (let index = 0; index < 20; index++)
            messages.push(await queueDirectly(`Shared ${index}`));
          await t.services.store.publish({ type: 'mail' });
          await untilSent(
            [t.engine, other],
            messages.map((message) => message.id),
          );
          const received = peer.received.map((mail) => mail.mail.messageId);
          assert.equal(received.length, 20, 'no message was sent twice');
          assert.deepEqual(
            [...new Set(received)].sort(),
            messages.map((message) => message.messageId).sort(),
          );
        } finally {
          await other.stop(0);
          rmSync(workRoot, { recursive: true, force: true });
        }
      },
    );
  });
}
