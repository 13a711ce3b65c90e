import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isFinalOutboxState } from '../../src/domain/outbox.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { runTask } from '../support/engine-runs.ts';
import { runMail, triedAtLeast, useDefaultSmtp } from '../support/outbox.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

for (const backend of await backends()) {
  describe(`outbox API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let peer: SmtpPeer;
    let alice: ApiClient;
    let bob: ApiClient;
    let postmaster: ApiClient;
    let downPort: number;

    before(async () => {
      const gone = await startSmtpPeer();
      await gone.close();
      downPort = gone.port;
      peer = await startSmtpPeer({ refuse: ['gone@example.com'] });
      t = await startEngineApp(backend, 'outbox-api');
      alice = (await t.user('alice', ['taskplanner', 'action.email'])).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
      postmaster = (await t.user('postmaster', ['taskplanner', 'mail.manage'])).client;
    });
    after(async () => {
      await t?.close();
      await peer?.close();
    });

    const useServer = (port: number) => useDefaultSmtp(t.admin, port);

    const mailing = (to: string[]) => ({
      actions: [{ kind: 'email', config: { to, subject: 'Weekly figures', body: 'x' } }],
    });

    it("shows a run's mail to whoever sees the run, and to nobody else", async () => {
      await useServer(peer.port);
      const run = await runTask(t, alice, mailing(['bob@example.com', 'gone@example.com']));
      await runMail(t.engine, t.services.store, run.id);
      const mine = await alice.get(`/api/v1/runs/${run.id}/messages`);
      assert.equal(mine.status, 200, JSON.stringify(mine.body));
      assert.equal(mine.body.length, 1);
      const [message] = mine.body;
      assert.equal(message.state, 'partly-sent');
      assert.equal(message.subject, 'Weekly figures');
      assert.deepEqual(
        message.recipients.map((r: { address: string; state: string }) => [r.address, r.state]),
        [
          ['bob@example.com', 'sent'],
          ['gone@example.com', 'failed'],
        ],
      );
      assert.equal(message.content, undefined, 'the content is never shown');
      const theirs = await bob.get(`/api/v1/runs/${run.id}/messages`);
      assert.equal(theirs.status, 404);
      assert.equal((await bob.get('/api/v1/outbox')).status, 403);
    });

    it('lists the outbox by state for holders of mail.manage, with counts', async () => {
      const page = await postmaster.get('/api/v1/outbox?state=partly-sent&limit=1');
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.items.length, 1);
      assert.equal(page.body.items[0].state, 'partly-sent');
      const counts = await postmaster.get('/api/v1/outbox/counts');
      assert.equal(counts.status, 200);
      assert.ok(counts.body.byState['partly-sent'] >= 1);
      assert.equal(counts.body.byState.queued, 0);
      const wrong = await postmaster.get('/api/v1/outbox?state=lost');
      assert.equal(wrong.status, 400);
      const cursor = await postmaster.get('/api/v1/outbox?cursor=not-one');
      assert.equal(cursor.status, 400);
      const missing = await postmaster.get('/api/v1/outbox/no-such-message');
      assert.equal(missing.status, 404);
    });

    it('cancels a waiting message, which is then never sent; a done one is not canceled', async () => {
      await useServer(downPort);
      const run = await runTask(t, alice, mailing(['bob@example.com']));
      const [waiting] = await runMail(t.engine, t.services.store, run.id, triedAtLeast(1));
      assert.equal(waiting?.state, 'retrying');
      const canceled = await postmaster.post(`/api/v1/outbox/${waiting?.id}/cancel`);
      assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
      assert.equal(canceled.body.state, 'canceled');
      const again = await postmaster.post(`/api/v1/outbox/${waiting?.id}/cancel`);
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'MAIL_NOT_WAITING');
      assert.match(again.body.detail, /The message is canceled/);
      const received = peer.received.length;
      await useServer(peer.port);
      await t.clock.advance(120_000);
      t.engine.wake();
      assert.equal((await t.services.store.outbox.get(String(waiting?.id)))?.state, 'canceled');
      assert.equal(peer.received.length, received);
      const audit = await t.admin.get('/api/v1/audit?objectType=mail');
      assert.ok(
        audit.body.items.some(
          (event: { action: string; objectId: string; actorLogin: string }) =>
            event.action === 'mail.cancel' &&
            event.objectId === waiting?.id &&
            event.actorLogin === 'postmaster',
        ),
      );
    });

    it('retries a failed message now, for its refused recipients, once', async () => {
      const run = await runTask(t, alice, mailing(['gone@example.com']));
      const [failed] = await runMail(t.engine, t.services.store, run.id);
      assert.equal(failed?.state, 'failed');
      // Without mail.manage, a retry is refused and changes nothing.
      assert.equal((await alice.post(`/api/v1/outbox/${failed?.id}/retry`)).status, 403);
      const received = peer.received.length;
      const retried = await postmaster.post(`/api/v1/outbox/${failed?.id}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.ok(['retrying', 'sending', 'failed'].includes(retried.body.state));
      const [after] = await runMail(
        t.engine,
        t.services.store,
        run.id,
        (e) => e.attempts >= 2 && isFinalOutboxState(e.state),
      );
      assert.equal(after?.state, 'failed', 'refused again: 550 is final');
      assert.equal(after?.attempts, 2);
      assert.equal(peer.received.length, received);
    });
  });
}
