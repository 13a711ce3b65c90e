// Failure notices: one per run's final end, by mail through the outbox and to a webhook, none
// while a retry follows, a recovery after a failure, one per quiet period with a summary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OutboxEntry } from '../../src/domain/outbox.ts';
import type { Run } from '../../src/domain/run.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { executing, runLog, runsUntil, tick } from '../support/engine-runs.ts';
import { gate } from '../support/test-kinds.ts';
import { answer, startHttpPeer, type HttpPeer } from '../support/http-peer.ts';
import { runMail, useDefaultSmtp } from '../support/outbox.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

const MINUTE = 60_000;
const PUBLIC_URL = 'https://planner.example.com';
const failing = { kind: 'fail', config: { message: 'the report database is down' } };
const succeeding = { kind: 'noop', config: {} };

for (const backend of await backends()) {
  describe(`failure notices on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let alice: ApiClient;
    let bob: ApiClient;
    let smtp: SmtpPeer;
    let hook: HttpPeer;

    before(async () => {
      t = await startEngineApp(backend, 'run-notices');
      const created = await t.user('alice', ['taskplanner', 'action.email', 'action.http']);
      alice = created.client;
      const withAddress = await t.admin.patch(`/api/v1/users/${created.id}`, {
        email: 'alice@example.com',
      });
      assert.equal(withAddress.status, 200, JSON.stringify(withAddress.body));
      bob = (await t.user('bob', ['taskplanner'])).client;
      smtp = await startSmtpPeer();
      await useDefaultSmtp(t.admin, smtp.port);
      hook = await startHttpPeer();
      hook.route('/notices', answer(204));
      const address = await t.admin.patch('/api/v1/settings', { publicUrl: `${PUBLIC_URL}/` });
      assert.equal(address.status, 200, JSON.stringify(address.body));
    });
    after(async () => {
      await t?.close();
      await smtp?.close();
      await hook?.close();
    });

    /** Creates a task as client and returns its id. */
    async function create(client: ApiClient, task: Record<string, unknown>): Promise<string> {
      const created = await client.post('/api/v1/tasks', { name: 'Nightly report', ...task });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id as string;
    }

    /** Starts the task by hand and resolves with its ended run (the last attempt of it). */
    async function run(client: ApiClient, taskId: string): Promise<Run> {
      const started = await client.post(`/api/v1/tasks/${taskId}/run`);
      assert.equal(started.status, 202, JSON.stringify(started.body));
      return t.ended(started.body.runId);
    }

    /** The notices the outbox holds for the task, oldest first. */
    async function noticesOf(taskId: string): Promise<OutboxEntry[]> {
      const page = await t.services.store.outbox.list({ limit: 500 });
      return page.items
        .filter((entry) => entry.taskId === taskId && entry.purpose === 'notice')
        .reverse();
    }

    it('mails one notice of a failed run to the owner and the listed addresses, and posts it', async () => {
      const notices = {
        on: ['failure'],
        to: ['Ops <ops@example.com>'],
        webhook: `${hook.url}/notices`,
      };
      const taskId = await create(alice, { jobs: [failing], notices });
      const stored = await alice.get(`/api/v1/tasks/${taskId}`);
      assert.deepEqual(stored.body.notices, { ...notices, toOwner: true, quietMinutes: 60 });
      const before = hook.requests.length;
      const ended = await run(alice, taskId);
      assert.equal(ended.status, 'failed');
      const [message] = await runMail(t.engine, t.services.store, ended.id);
      assert.equal(message?.state, 'sent', JSON.stringify(message));
      assert.equal(message?.purpose, 'notice');
      assert.deepEqual(message?.recipients.map((r) => r.address).sort(), [
        'alice@example.com',
        'ops@example.com',
      ]);
      const mail = smtp.received.find((each) => each.mail.subject === message?.subject);
      assert.ok(mail, 'the notice reached the SMTP server');
      assert.equal(mail.mail.subject, '[Task Planner] Failed: Nightly report');
      assert.match(mail.mail.text ?? '', /The task "Nightly report" \(owner alice\) failed\./);
      assert.match(mail.mail.text ?? '', /Why: component-failed: .*the report database is down/);
      assert.match(mail.mail.text ?? '', new RegExp(`Run: ${PUBLIC_URL}/runs/${ended.id}\\n`));
      const posted = await hook.request(before);
      assert.equal(posted.headers['content-type'], 'application/json');
      const body = JSON.parse(posted.body.toString()) as Record<string, any>;
      assert.equal(body.event, 'failure');
      assert.equal(body.run.id, ended.id);
      assert.equal(body.run.url, `${PUBLIC_URL}/runs/${ended.id}`);
      assert.equal(body.task.owner, 'alice');
      assert.match(
        await runLog(alice, ended),
        /failure notice: .*mail queued to alice@example\.com, ops@example\.com/,
      );
    });

    it('sends none while a retry follows, then one for the last attempt', async () => {
      const taskId = await create(alice, {
        jobs: [failing],
        policy: { retries: 1, retryBackoffSeconds: 60 },
        notices: { on: ['failure'], quietMinutes: 0 },
      });
      const first = await run(alice, taskId);
      assert.equal(first.status, 'failed');
      assert.deepEqual(await noticesOf(taskId), [], 'no notice while the retry is due');
      const [, retry] = await runsUntil(t, taskId, 2);
      assert.equal(retry?.attempt, 2, 'the retry was queued');
      await tick(t, MINUTE);
      const last = await t.ended(retry.id);
      assert.equal(last.status, 'failed');
      const [notice] = await runMail(t.engine, t.services.store, last.id);
      assert.equal((await noticesOf(taskId)).length, 1);
      const mail = smtp.received.find((each) => each.mail.messageId === notice?.messageId);
      assert.match(mail?.mail.text ?? '', /attempt 2/);
    });

    it('holds back notices in the quiet period and sums them up in the next one', async () => {
      const taskId = await create(alice, {
        jobs: [failing],
        notices: { on: ['failure'], quietMinutes: 30 },
      });
      await run(alice, taskId);
      await run(alice, taskId);
      const third = await run(alice, taskId);
      assert.equal((await noticesOf(taskId)).length, 1, 'one notice in the quiet period');
      assert.match(
        await runLog(alice, third),
        /failure notice held back: .*the next notice counts it/,
      );
      await t.clock.advance(31 * MINUTE);
      const later = await run(alice, taskId);
      const [summary] = await runMail(t.engine, t.services.store, later.id);
      assert.equal((await noticesOf(taskId)).length, 2);
      const mail = smtp.received.find((each) => each.mail.messageId === summary?.messageId);
      assert.match(mail?.mail.text ?? '', /2 more notices were held back/);
    });

    it('tells of a recovery once, after a failure, even within the quiet period', async () => {
      const taskId = await create(alice, {
        jobs: [failing],
        notices: { on: ['failure', 'recovery'], quietMinutes: 60 },
      });
      await run(alice, taskId);
      const fixed = await alice.patch(`/api/v1/tasks/${taskId}`, {
        jobs: [succeeding],
        revision: 1,
      });
      assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
      const recovered = await run(alice, taskId);
      assert.equal(recovered.status, 'succeeded');
      const [notice] = await runMail(t.engine, t.services.store, recovered.id);
      assert.equal(notice?.subject, '[Task Planner] Recovered: Nightly report');
      const again = await run(alice, taskId);
      assert.deepEqual(
        await t.services.store.outbox.ofRun(again.id),
        [],
        'a second success is no news',
      );
      assert.equal((await noticesOf(taskId)).length, 2);
    });

    it("follows the server's default for tasks without their own; on: [] turns them off", async () => {
      const changed = await t.admin.patch('/api/v1/settings', {
        notices: { on: ['failure'], toOwner: true, quietMinutes: 0 },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.notices, {
        on: ['failure'],
        toOwner: true,
        to: [],
        webhook: null,
        quietMinutes: 0,
      });
      try {
        const byDefault = await create(alice, { jobs: [failing] });
        const ended = await run(alice, byDefault);
        const [notice] = await runMail(t.engine, t.services.store, ended.id);
        assert.deepEqual(
          notice?.recipients.map((r) => r.address),
          ['alice@example.com'],
        );
        const silenced = await create(alice, { jobs: [failing], notices: { on: [] } });
        const quiet = await run(alice, silenced);
        assert.deepEqual(await t.services.store.outbox.ofRun(quiet.id), []);
      } finally {
        await t.admin.patch('/api/v1/settings', { notices: { on: [] } });
      }
    });

    it('says a run timed out, and one its server stopped was interrupted', async () => {
      const name = `notice-timeout-${backend.name}`;
      const taskId = await create(alice, {
        jobs: [{ kind: 'wait', config: { gate: name } }],
        policy: { timeoutSeconds: 5 },
        notices: { on: ['timeout', 'interruption'], quietMinutes: 0 },
      });
      const started = await alice.post(`/api/v1/tasks/${taskId}/run`);
      await executing(t, started.body.runId);
      await tick(t, 5000);
      const timedOut = await t.ended(started.body.runId);
      assert.equal(timedOut.status, 'timed-out');
      const [late] = await runMail(t.engine, t.services.store, timedOut.id);
      assert.equal(late?.subject, '[Task Planner] Timed out: Nightly report');
      const again = await alice.post(`/api/v1/tasks/${taskId}/run`);
      await executing(t, again.body.runId);
      await t.stopEngine(0);
      await t.restartEngine();
      const stopped = await t.ended(again.body.runId);
      assert.equal(stopped.status, 'interrupted');
      const [cut] = await runMail(t.engine, t.services.store, stopped.id);
      assert.equal(cut?.subject, '[Task Planner] Interrupted: Nightly report');
      gate(name).open();
    });

    it("leaves out the channels the owner may not use, and says so in the run's log", async () => {
      const taskId = await create(bob, {
        jobs: [failing],
        notices: { on: ['failure'], to: ['ops@example.com'], webhook: `${hook.url}/notices` },
      });
      const before = hook.requests.length;
      const ended = await run(bob, taskId);
      const log = await runLog(bob, ended);
      assert.match(log, /notices to listed addresses need 'action\.email'/);
      assert.match(log, /notices to a webhook need 'action\.http'/);
      assert.match(log, /the owner has no e-mail address/);
      assert.deepEqual(await t.services.store.outbox.ofRun(ended.id), []);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(hook.requests.length, before, 'nothing was posted');
    });

    it('refuses notices that can never be sent, naming the field, and saves nothing', async () => {
      for (const [notices, path] of [
        [{ on: ['failure'], to: ['not an address'] }, '/notices/to/0'],
        [{ on: ['failure'], webhook: 'ftp://example.com/x' }, '/notices/webhook'],
        [{ on: ['failure'], webhook: 'https://user:secret@example.com/x' }, '/notices/webhook'],
        [{ on: ['sometimes'] }, '/notices/on/0'],
        [{ on: ['failure'], quietMinutes: -1 }, '/notices/quietMinutes'],
      ] as const) {
        const refused = await alice.post('/api/v1/tasks', { name: 'Refused', notices });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        const paths = (refused.body.errors as Array<{ path: string }>).map((issue) => issue.path);
        assert.ok(paths.includes(path), `${path} in ${JSON.stringify(refused.body)}`);
      }
      const listed = await alice.get('/api/v1/tasks?q=Refused');
      assert.deepEqual(listed.body.items, []);
      const bad = await t.admin.patch('/api/v1/settings', {
        notices: { on: ['failure'], to: ['ops@'] },
      });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
    });
  });
}
