import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { truncate } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { DEFAULT_SETTINGS, type SmtpSettings } from '../../src/domain/settings.ts';
import { emailAction } from '../../src/plugins/builtin/actions/email.ts';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { componentHarness, type HarnessOptions } from '../support/component-context.ts';
import { startEngineApp, type EngineApp } from '../support/engine-app.ts';
import { actionOutcome, runTask } from '../support/engine-runs.ts';
import { LOOPBACK_NETWORKS } from '../support/http-peer.ts';
import { runMail } from '../support/outbox.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';

/** The instant the runs of the action's own tests happen at. */
const AT = new Date('2026-03-02T08:00:00Z');

/** What a run is told when a login would go in clear. */
const IN_CLEAR =
  /^SMTP server 127\.0\.0\.1:\d+ does not offer STARTTLS, so the password would go in clear; use TLS from the start \(secure, usually port 465\), or an administrator can allow plain-text SMTP for this server/;

/** Server settings as host.settings() gives them, tasks' own servers allowed plain text or not. */
function serverSettings(smtp: SmtpSettings | null, allowPlaintextSmtp: boolean) {
  return {
    ...DEFAULT_SETTINGS,
    smtp,
    allowedNetworks: [...LOOPBACK_NETWORKS],
    allowPlaintextSmtp,
  };
}

describe('email action', () => {
  let peer: SmtpPeer;
  before(async () => {
    peer = await startSmtpPeer();
  });
  after(() => peer.close());

  /** Runs the action with config as a run would pass it; resolves to the context's parts. */
  async function send(
    config: Record<string, unknown>,
    options: HarnessOptions & {
      files?: Array<[string, string | Uint8Array]>;
    } = {},
  ) {
    const d = await componentHarness({
      taskName: 'Daily report',
      at: AT,
      smtp: peer.settings(peer.login),
      ...options,
    });
    try {
      for (const [name, content] of options.files ?? []) await d.file(name, content);
      const before = peer.received.length;
      await emailAction.run(d.configFor(emailAction, config), d.action);
      // Delivered as the outbox delivers it; an attempt that failed fails the test's send.
      for (const attempt of await d.deliverQueued()) {
        if (attempt.error) throw new Error(attempt.error.message);
        const [refusal] = attempt.refused;
        if (refusal) throw new Error(`${refusal.address} refused: ${refusal.response}`);
      }
      return { mails: peer.received.slice(before), log: d.lines };
    } finally {
      await d.dispose();
    }
  }

  it('delivers to every to, cc and bcc address, bcc only in the envelope', async () => {
    const { mails, log } = await send(
      {
        to: ['Bob Smith <bob@example.com>', 'carol@example.com'],
        cc: ['dave@example.com'],
        bcc: ['eve@example.com'],
        subject: 'Report {date} for {region}',
        body: 'Hello {region}',
      },
      { placeholders: { region: 'North' } },
    );
    assert.equal(mails.length, 1);
    const [{ envelope, mail, login }] = mails as [(typeof mails)[0]];
    assert.deepEqual(envelope.to.sort(), [
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
      'eve@example.com',
    ]);
    assert.equal(envelope.from, 'planner@example.com');
    assert.equal(login, 'mailer');
    assert.equal(mail.subject, 'Report 2026-03-02 for North');
    assert.equal(mail.text?.trim(), 'Hello North');
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    assert.deepEqual(
      to.flatMap((list) => list?.value.map((box) => `${box.name}|${box.address}`) ?? []),
      ['Bob Smith|bob@example.com', '|carol@example.com'],
    );
    assert.equal(mail.headers.has('bcc'), false);
    assert.match(
      log.map((line) => line.message).join('\n'),
      new RegExp(
        `queued for delivery to 4 recipients, message id ${mail.messageId?.replace(/[.$]/g, '\\$&')}`,
      ),
    );
  });

  it('attaches each file result under its name with its bytes', async () => {
    const binary = randomBytes(70_000);
    const { mails } = await send(
      { to: ['bob@example.com'] },
      {
        files: [
          ['report.csv', 'a,b\n1,2\n'],
          ['image.bin', binary],
        ],
      },
    );
    const attachments = mails[0]?.mail.attachments ?? [];
    assert.deepEqual(
      attachments.map((file) => file.filename),
      ['report.csv', 'image.bin'],
    );
    assert.equal(attachments[0]?.content.toString(), 'a,b\n1,2\n');
    assert.ok(attachments[1]?.content.equals(binary));
  });

  it('attaches one zip holding every file, named by its filled placeholders', async () => {
    const { mails } = await send(
      { to: ['bob@example.com'], attach: 'zip' },
      {
        files: [
          ['a.txt', 'first'],
          ['a.txt', 'second'],
          ['b.txt', 'third'],
        ],
      },
    );
    const attachments = mails[0]?.mail.attachments ?? [];
    assert.deepEqual(
      attachments.map((file) => file.filename),
      ['Daily report.zip'],
    );
    const entries = unzipSync(new Uint8Array(attachments[0]?.content ?? Buffer.alloc(0)));
    const text = Object.fromEntries(
      Object.entries(entries).map(([name, bytes]) => [name, Buffer.from(bytes).toString()]),
    );
    assert.deepEqual(text, { 'a.txt': 'first', 'a (1).txt': 'second', 'b.txt': 'third' });
  });

  it('leaves the files out when attach is none, and sends HTML as HTML', async () => {
    const { mails } = await send(
      { to: ['bob@example.com'], attach: 'none', bodyFormat: 'html', body: '<p>Hi <b>Bob</b></p>' },
      { files: [['a.txt', 'x']] },
    );
    assert.equal(mails[0]?.mail.attachments.length, 0);
    assert.equal(String(mails[0]?.mail.html).trim(), '<p>Hi <b>Bob</b></p>');
  });

  it('sends a mail with no attachment when there are no file results', async () => {
    const { mails } = await send({ to: ['bob@example.com'], subject: 'Reminder' });
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.mail.subject, 'Reminder');
    assert.equal(mails[0]?.mail.attachments.length, 0);
  });

  it("sends through the action's own SMTP server rather than the default", async () => {
    const own = await startSmtpPeer({ user: 'own', password: 'own-secret' });
    try {
      const { mails } = await send(
        {
          to: ['bob@example.com'],
          smtp: { ...own.ownServer(own.login), from: 'Me <me@example.org>' },
        },
        { host: { settings: async () => serverSettings(peer.settings(peer.login), true) } },
      );
      assert.equal(mails.length, 0, 'the default server got nothing');
      assert.equal(own.received.length, 1);
      assert.equal(own.received[0]?.login, 'own');
      assert.equal(own.received[0]?.envelope.from, 'me@example.org');
    } finally {
      await own.close();
    }
  });

  it('refuses attachments too large for the outbox before reading them', async () => {
    const d = await componentHarness({ smtp: peer.settings() });
    try {
      const big = await d.file('huge.bin', 'x');
      // Sparse: its size says 60 MiB, nothing is written; reading it would take the time.
      await truncate(big.path, 60 * 1024 * 1024);
      await assert.rejects(
        emailAction.run(d.configFor(emailAction, { to: ['bob@example.com'] }), d.action),
        {
          message:
            'the message with its attachments is 80.0 MiB as sent, more than the 50.0 MiB the outbox takes; save the files to a folder or upload them instead',
        },
      );
      assert.equal(d.queued.length, 0);
    } finally {
      await d.dispose();
    }
  });

  it('fails clearly when there is no SMTP server at all', async () => {
    await assert.rejects(send({ to: ['bob@example.com'] }, { smtp: null }), {
      message:
        'no SMTP server: the administrator has set no default SMTP server and the action names none',
    });
  });

  it('names the server and login when the login is refused, never the password', async () => {
    const d = await componentHarness({
      smtp: peer.settings({ user: 'mailer', password: 'Wr0ng-Pa55' }),
    });
    try {
      await emailAction.run(d.configFor(emailAction, { to: ['bob@example.com'] }), d.action);
      const [attempt] = await d.deliverQueued();
      assert.match(
        String(attempt?.error?.message),
        new RegExp(`^SMTP server 127\\.0\\.0\\.1:${peer.port} refused the login as 'mailer': 535`),
      );
      // A wrong login waits for an administrator to fix it: the message is tried again.
      assert.equal(attempt?.error?.permanent, false);
      assert.doesNotMatch(JSON.stringify(attempt) + JSON.stringify(d.lines), /Wr0ng-Pa55/);
    } finally {
      await d.dispose();
    }
  });

  it('refuses to log in to a default server without STARTTLS, sending no AUTH and no mail', async () => {
    const logins = peer.logins.length;
    const received = peer.received.length;
    const smtp = { ...peer.settings(peer.login), allowPlaintext: false };
    await assert.rejects(send({ to: ['bob@example.com'] }, { smtp }), (error: Error) => {
      assert.match(error.message, IN_CLEAR);
      assert.match(error.message, /\(Settings, SMTP server; smtp\.allowPlaintext in the API\)/);
      assert.doesNotMatch(error.message, /mail-secret/);
      return true;
    });
    assert.equal(peer.logins.length, logins, 'the peer received no AUTH');
    assert.equal(peer.received.length, received);
  });

  it("refuses an own server's login in clear until allowPlaintextSmtp allows it, and only that", async () => {
    const own = await startSmtpPeer({ user: 'own', password: 'own-secret' });
    const config = { to: ['bob@example.com'], smtp: own.ownServer(own.login) };
    const closed = serverSettings(peer.settings(peer.login), false);
    try {
      await assert.rejects(
        send(config, { host: { settings: async () => closed } }),
        (error: Error) => {
          assert.match(error.message, IN_CLEAR);
          assert.match(
            error.message,
            /\(Settings, Tasks' own SMTP servers; allowPlaintextSmtp in the API\)/,
          );
          return true;
        },
      );
      assert.deepEqual(own.logins, [], 'the peer received no AUTH');
      assert.equal(own.received.length, 0);
      // The default server's own switch does not open tasks' servers.
      assert.equal(closed.smtp?.allowPlaintext, true);
      const open = serverSettings({ ...peer.settings(peer.login), allowPlaintext: false }, true);
      await send(config, { host: { settings: async () => open } });
      assert.deepEqual(own.logins, ['own']);
      assert.equal(own.received[0]?.login, 'own');
      // ... nor does allowPlaintextSmtp open the default server.
      await assert.rejects(
        send({ to: ['bob@example.com'] }, { host: { settings: async () => open } }),
        { message: IN_CLEAR },
      );
    } finally {
      await own.close();
    }
  });

  it('sends in plain text without a login, which has no password to give away', async () => {
    const logins = peer.logins.length;
    const { mails } = await send({ to: ['bob@example.com'] }, { smtp: peer.settings() });
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.login, undefined);
    assert.equal(peer.logins.length, logins);
  });

  it('refuses what is not one valid address: when saved, and when filled in', async () => {
    const issues = emailAction.check?.(
      { to: ['bob@example.com, carol@example.com', '{email}'], cc: ['nobody'], bcc: [] },
      '/actions/0/config',
      'UTC',
    );
    assert.deepEqual(issues, [
      {
        path: '/actions/0/config/to/0',
        message:
          "'bob@example.com, carol@example.com' is not a valid e-mail address (give one address per entry)",
      },
      { path: '/actions/0/config/cc/0', message: "'nobody' is not a valid e-mail address" },
    ]);
    await assert.rejects(send({ to: ['{email}'] }, { placeholders: { email: 'bob@' } }), {
      message: "'bob@' is not a valid e-mail address",
    });
  });

  it('leaves out recipients whose placeholder is empty, and fails when none remain', async () => {
    const { mails } = await send(
      { to: ['{email}'], cc: ['{manager}'] },
      { placeholders: { email: 'bob@example.com', manager: '' } },
    );
    assert.deepEqual(mails[0]?.envelope.to, ['bob@example.com']);
    await assert.rejects(send({ to: ['{email}'] }, { placeholders: { email: '' } }), {
      message: 'no recipients: to, cc and bcc are all empty',
    });
    assert.deepEqual(emailAction.check?.({ to: [], cc: [], bcc: [] }, '', 'UTC'), [
      { path: '/to', message: 'name at least one recipient' },
    ]);
  });

  it("records the server's answer, final, when it refuses a recipient", async () => {
    const strict = await startSmtpPeer({ refuse: ['gone@example.com'] });
    try {
      await assert.rejects(send({ to: ['gone@example.com'] }, { smtp: strict.settings() }), {
        message: /^gone@example\.com refused: 550 No such mailbox/,
      });
      assert.equal(strict.received.length, 0);
    } finally {
      await strict.close();
    }
  });

  it('stops an attempt when delivery is stopped, to be tried again', async () => {
    const stuck = await startSmtpPeer({ stall: true });
    const d = await componentHarness({ smtp: stuck.settings() });
    try {
      await emailAction.run(d.configFor(emailAction, { to: ['bob@example.com'] }), d.action);
      const sending = d.deliverQueued();
      await stuck.dataStarted();
      d.controller.abort('canceled');
      const [attempt] = await sending;
      assert.deepEqual(attempt?.error, { message: 'the attempt was stopped', permanent: false });
    } finally {
      await d.dispose();
      await stuck.close();
    }
  });
});

for (const backend of await backends()) {
  describe(`email through the engine on ${backend.name}`, { skip: backend.skip }, () => {
    let t: EngineApp;
    let peer: SmtpPeer;
    let alice: ApiClient;
    let bob: ApiClient;
    before(async () => {
      peer = await startSmtpPeer();
      t = await startEngineApp(backend, 'email');
      const settings = await t.admin.patch('/api/v1/settings', { smtp: peer.settings() });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      alice = (await t.user('alice', ['taskplanner', 'action.email'])).client;
      bob = (await t.user('bob', ['taskplanner'])).client;
    });
    after(async () => {
      await t?.close();
      await peer?.close();
    });

    const reportJob = {
      id: 'report',
      kind: 'file',
      config: { name: 'report.csv', content: 'a,b\n' },
    };

    it("mails the jobs' files through the default server, placeholders filled by the run", async () => {
      const before = peer.received.length;
      const run = await runTask(
        t,
        alice,
        {
          name: 'Sales',
          jobs: [reportJob],
          actions: [
            {
              kind: 'email',
              config: {
                to: ['{recipient}'],
                subject: '{task.name} report of {date}',
                body: 'Run {run.id}',
              },
            },
          ],
        },
        { recipient: 'bob@example.com' },
      );
      assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
      const [entry] = await runMail(t.engine, t.services.store, run.id);
      assert.equal(entry?.state, 'sent');
      const [mail] = peer.received.slice(before);
      assert.equal(mail?.mail.messageId, entry?.messageId);
      assert.deepEqual(mail?.envelope.to, ['bob@example.com']);
      assert.equal(mail?.mail.subject, 'Sales report of 2026-03-02');
      assert.equal(mail?.mail.text?.trim(), `Run ${run.id}`);
      assert.equal(mail?.mail.attachments[0]?.filename, 'report.csv');
      assert.equal(mail?.mail.attachments[0]?.content.toString(), 'a,b\n');
    });

    /** Changes the settings as the administrator, which must succeed. */
    async function settle(patch: Record<string, unknown>) {
      const changed = await t.admin.patch('/api/v1/settings', patch);
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
    }

    it('refuses the login in clear until an administrator allows plain text for the default server', async () => {
      const smtp = peer.settings(peer.login);
      await settle({ smtp: { ...smtp, allowPlaintext: false } });
      try {
        const logins = peer.logins.length;
        const before = peer.received.length;
        const mail = { kind: 'email', config: { to: ['bob@example.com'] } };
        const queued = await runTask(t, alice, { actions: [mail] });
        assert.equal(queued.status, 'succeeded', JSON.stringify(queued.items));
        const store = t.services.store;
        const [waiting] = await runMail(t.engine, store, queued.id, (e) => e.state === 'retrying');
        assert.match(
          String(waiting?.lastError),
          /does not offer STARTTLS, so the password would go in clear/,
        );
        assert.equal(peer.logins.length, logins, 'the peer received no AUTH');
        assert.equal(peer.received.length, before);

        // Fixed by the administrator, the waiting message goes out at its next attempt.
        await settle({ smtp });
        await t.clock.advance(60_000);
        t.engine.wake();
        const [sent] = await runMail(t.engine, store, queued.id);
        assert.equal(sent?.state, 'sent');
        assert.equal(sent?.attempts, 2);
        assert.equal(peer.received.at(-1)?.login, 'mailer');
      } finally {
        await settle({ smtp: peer.settings() });
      }
    });

    it('keeps its own SMTP password masked in the task and opens it for the run', async () => {
      const own = await startSmtpPeer({ user: 'own', password: 'own-mail-secret' });
      // The peer offers no STARTTLS: its login goes in clear, which an administrator must allow.
      await settle({ allowPlaintextSmtp: true });
      try {
        const smtp = own.ownServer(own.login);
        const run = await runTask(t, alice, {
          jobs: [reportJob],
          actions: [{ kind: 'email', config: { to: ['bob@example.com'], smtp } }],
        });
        assert.equal(run.status, 'succeeded', JSON.stringify(run.items));
        const [entry] = await runMail(t.engine, t.services.store, run.id);
        assert.equal(entry?.state, 'sent', String(entry?.lastError));
        assert.equal(own.received.length, 1);
        const task = await alice.get(`/api/v1/tasks/${run.taskId}`);
        assert.equal(task.body.actions[0].config.smtp.password, SECRET_MASK);
        const log = await alice.get(`/api/v1/runs/${run.id}/log`);
        assert.match(
          String(log.body),
          /queued for delivery to 1 recipient, 1 attachment, message id/,
        );
        assert.match(
          String(log.body),
          /mail "Engine task" \(sent\): delivered to bob@example\.com/,
        );
        assert.doesNotMatch(String(log.body), /own-mail-secret/);
      } finally {
        await settle({ allowPlaintextSmtp: false });
        await own.close();
      }
    });

    it('fails for an owner without action.email, sending nothing', async () => {
      const before = peer.received.length;
      const run = await runTask(t, bob, {
        jobs: [reportJob],
        actions: [{ id: 'mail', kind: 'email', config: { to: ['bob@example.com'] } }],
      });
      assert.equal(run.status, 'failed');
      assert.equal(
        actionOutcome(run).message,
        "action mail (email) needs the permission 'action.email', which the owner 'bob' does not hold",
      );
      assert.equal(peer.received.length, before);
    });

    it('mails from a task that has no jobs, and when no job made a file', async () => {
      const before = peer.received.length;
      const run = await runTask(t, alice, {
        actions: [{ kind: 'email', config: { to: ['bob@example.com'], subject: 'Reminder' } }],
      });
      assert.equal(actionOutcome(run).status, 'succeeded', JSON.stringify(run.items));
      const textOnly = await runTask(t, alice, {
        jobs: [{ kind: 'text', config: { text: 'no file' } }],
        actions: [{ kind: 'email', config: { to: ['bob@example.com'], subject: 'Note' } }],
      });
      assert.equal(actionOutcome(textOnly).status, 'succeeded');
      await runMail(t.engine, t.services.store, run.id);
      await runMail(t.engine, t.services.store, textOnly.id);
      const mails = peer.received.slice(before);
      assert.deepEqual(
        mails.map((mail) => [mail.mail.subject, mail.mail.attachments.length]),
        [
          ['Reminder', 0],
          ['Note', 0],
        ],
      );
    });
  });
}
