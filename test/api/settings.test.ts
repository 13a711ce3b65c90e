import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_DENIED_NETWORKS } from '../../src/domain/network-policy.ts';
import { DEFAULT_LIMITS, type SmtpSettings } from '../../src/domain/settings.ts';
import { SECRET_MASK } from '../../src/secrets/secret-box.ts';
import type { ApiClient } from '../support/api-client.ts';
import { backends } from '../support/backends.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const SMTP = {
  host: 'mail.example.com',
  port: 587,
  secure: false,
  user: 'planner',
  password: 'smtp-password-1',
  from: 'Task Planner <planner@example.com>',
  allowPlaintext: false,
};

for (const backend of await backends()) {
  describe(`settings API on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let base: string;
    let plain: ApiClient;

    /** What the store holds, and how many settings events the audit log has. */
    async function snapshot() {
      const { store } = t.services;
      const audit = await store.audit.list({ objectType: 'settings', limit: 500 });
      return {
        smtp: await store.settings.get('smtp'),
        folderRoots: await store.settings.get('folderRoots'),
        allowedNetworks: await store.settings.get('allowedNetworks'),
        deniedNetworks: await store.settings.get('deniedNetworks'),
        allowPlaintextSmtp: await store.settings.get('allowPlaintextSmtp'),
        limits: await store.settings.get('limits'),
        auditEvents: audit.items.length,
      };
    }

    async function storedSmtp(): Promise<SmtpSettings> {
      const smtp = (await t.services.store.settings.get('smtp')) as SmtpSettings | null;
      assert.ok(smtp, 'an SMTP server is stored');
      return smtp;
    }

    async function patch(body: unknown, client: ApiClient = t.admin) {
      return client.patch('/api/v1/settings', body);
    }

    before(async () => {
      // A new server's settings: the networks the other tests open are left closed here.
      t = await startTestApp(backend, 'settings-api', { allowedNetworks: null });
      base = realpathSync(mkdtempSync(join(tmpdir(), 'tp-settings-api-')));
      plain = (await t.user('plain')).client;
    });
    after(async () => {
      await t?.close();
      if (base) rmSync(base, { recursive: true, force: true });
    });

    it('shows no SMTP server, no folders and the default denied networks on a new server', async () => {
      const response = await t.admin.get('/api/v1/settings');
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(response.body, {
        smtp: null,
        folderRoots: [],
        allowedNetworks: [],
        deniedNetworks: [...DEFAULT_DENIED_NETWORKS],
        allowPlaintextSmtp: false,
        mailRetryHours: 24,
        limits: {
          tasksPerUser: 1000,
          minimumIntervalSeconds: 60,
          runsPerMinutePerUser: 600,
          artifactBytesPerUser: 1024 ** 3,
        },
        newTaskGrants: [],
        notices: { on: [], toOwner: true, to: [], webhook: null, quietMinutes: 60 },
        publicUrl: null,
      });
      for (const network of [
        '127.0.0.0/8',
        '::1/128',
        '169.254.0.0/16',
        '10.0.0.0/8',
        'fc00::/7',
      ]) {
        assert.ok(response.body.deniedNetworks.includes(network), network);
      }
    });

    it('refuses a user without settings.manage (403), changing nothing', async () => {
      const before = await snapshot();
      const read = await plain.get('/api/v1/settings');
      assert.equal(read.status, 403);
      assert.equal(read.body.code, 'FORBIDDEN');
      assert.match(read.body.detail, /settings\.manage/);
      const write = await patch(
        {
          smtp: SMTP,
          folderRoots: [base],
          allowedNetworks: ['0.0.0.0/0'],
          deniedNetworks: [],
          allowPlaintextSmtp: true,
          limits: { tasksPerUser: null },
        },
        plain,
      );
      assert.equal(write.status, 403);
      assert.match(write.body.detail, /settings\.manage/);
      assert.equal((await t.anonymous.get('/api/v1/settings')).status, 401);
      assert.deepEqual(await snapshot(), before);
    });

    it('lets a non-admin holder of settings.manage read and change the settings', async () => {
      const { client } = await t.user('operator', ['taskplanner', 'settings.manage']);
      assert.equal((await client.get('/api/v1/settings')).status, 200);
      const changed = await patch({ folderRoots: [base] }, client);
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.folderRoots, [base]);
      assert.deepEqual(await t.services.store.settings.get('folderRoots'), [base]);
    });

    it('stores the SMTP password encrypted and shows it masked', async () => {
      const saved = await patch({ smtp: SMTP });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body.smtp, { ...SMTP, password: SECRET_MASK });
      const read = await t.admin.get('/api/v1/settings');
      assert.deepEqual(read.body.smtp, { ...SMTP, password: SECRET_MASK });
      assert.ok(!JSON.stringify(read.body).includes(SMTP.password));

      const stored = await storedSmtp();
      assert.match(stored.password, /^enc:v1:/);
      assert.ok(!JSON.stringify(stored).includes(SMTP.password));
      assert.equal(t.services.box.open(stored.password), SMTP.password);
      assert.deepEqual({ ...stored, password: SMTP.password }, SMTP);
      const current = await t.services.settings.current();
      assert.equal(current.smtp?.password, SMTP.password, 'runs get the password in clear');
    });

    it('keeps the stored password when the mask is sent back, and replaces it otherwise', async () => {
      assert.equal((await patch({ smtp: SMTP })).status, 200);
      const sealed = (await storedSmtp()).password;

      const kept = await patch({
        smtp: { ...SMTP, host: 'smtp2.example.com', password: SECRET_MASK },
      });
      assert.equal(kept.status, 200, JSON.stringify(kept.body));
      assert.equal(kept.body.smtp.host, 'smtp2.example.com');
      assert.equal(kept.body.smtp.password, SECRET_MASK);
      const afterKeep = await storedSmtp();
      assert.equal(afterKeep.host, 'smtp2.example.com');
      assert.equal(afterKeep.password, sealed, 'the sealed value itself is kept');
      assert.equal(t.services.box.open(afterKeep.password), SMTP.password);

      const replaced = await patch({ smtp: { ...SMTP, password: 'smtp-password-2' } });
      assert.equal(replaced.status, 200);
      const afterReplace = await storedSmtp();
      assert.match(afterReplace.password, /^enc:v1:/);
      assert.equal(t.services.box.open(afterReplace.password), 'smtp-password-2');

      const emptied = await patch({ smtp: { ...SMTP, user: '', password: '' } });
      assert.equal(emptied.status, 200);
      assert.equal(emptied.body.smtp.password, '', 'an empty password is not masked');
      assert.equal((await storedSmtp()).password, '');
    });

    it('leaves settings that are not sent as they are', async () => {
      assert.equal((await patch({ smtp: SMTP, folderRoots: [base] })).status, 200);
      const sealed = (await storedSmtp()).password;
      const other = join(base, 'other');
      mkdirSync(other, { recursive: true });
      assert.equal((await patch({ folderRoots: [other] })).status, 200);
      assert.equal((await storedSmtp()).password, sealed);
      assert.equal((await patch({ smtp: { ...SMTP, password: SECRET_MASK } })).status, 200);
      assert.deepEqual(await t.services.store.settings.get('folderRoots'), [other]);
      assert.equal((await storedSmtp()).password, sealed);
    });

    it("allows plain-text SMTP only when sent: the default server's allowPlaintext, tasks' allowPlaintextSmtp", async () => {
      const { allowPlaintext: _left, ...withoutSwitch } = SMTP;
      const saved = await patch({ smtp: withoutSwitch });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.smtp.allowPlaintext, false, 'left out, plain text is not allowed');
      assert.equal((await storedSmtp()).allowPlaintext, false);
      assert.equal(saved.body.allowPlaintextSmtp, false);

      const opened = await patch({ smtp: { ...SMTP, allowPlaintext: true } });
      assert.equal(opened.body.smtp.allowPlaintext, true);
      assert.equal(opened.body.allowPlaintextSmtp, false, 'the default server only');
      assert.equal((await t.services.settings.current()).smtp?.allowPlaintext, true);

      const own = await patch({ allowPlaintextSmtp: true });
      assert.equal(own.body.allowPlaintextSmtp, true);
      assert.equal(await t.services.store.settings.get('allowPlaintextSmtp'), true);
      assert.equal((await t.services.settings.current()).allowPlaintextSmtp, true);
      assert.equal(own.body.smtp.allowPlaintext, true, 'the default server is left as it was');

      assert.equal((await patch({ smtp: SMTP, allowPlaintextSmtp: false })).status, 200);
      assert.equal((await t.services.settings.current()).allowPlaintextSmtp, false);
    });

    it('shows an SMTP server stored before allowPlaintext existed as not allowing plain text', async () => {
      const { allowPlaintext: _left, ...older } = SMTP;
      await t.services.store.settings.set('smtp', { ...older, password: '' }, new Date());
      const read = await t.admin.get('/api/v1/settings');
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.equal(read.body.smtp.allowPlaintext, false);
      assert.equal((await t.services.settings.current()).smtp?.allowPlaintext, false);
    });

    it('changes each limit sent, keeps the others, and stores null as no limit', async () => {
      const first = await patch({ limits: { tasksPerUser: 5, runsPerMinutePerUser: null } });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const expected = { ...DEFAULT_LIMITS, tasksPerUser: 5, runsPerMinutePerUser: null };
      assert.deepEqual(first.body.limits, expected);
      const second = await patch({ limits: { artifactBytesPerUser: 0 } });
      assert.deepEqual(second.body.limits, { ...expected, artifactBytesPerUser: 0 });
      assert.deepEqual((await t.admin.get('/api/v1/settings')).body.limits, second.body.limits);
      assert.deepEqual(await t.services.store.settings.get('limits'), second.body.limits);
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 1 });
      assert.deepEqual(events.items[0]?.details, { changed: ['limits'] });
      const back = await patch({ limits: { ...DEFAULT_LIMITS } });
      assert.deepEqual(back.body.limits, DEFAULT_LIMITS);
    });

    it('refuses the mask when no password is stored (400 naming /smtp/password), changing nothing', async () => {
      assert.equal((await patch({ smtp: null })).status, 200);
      assert.equal(await t.services.store.settings.get('smtp'), null);
      const before = await snapshot();
      const refused = await patch({ smtp: { ...SMTP, password: SECRET_MASK } });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'VALIDATION_FAILED');
      assert.equal(refused.body.errors[0].path, '/smtp/password');
      assert.deepEqual(await snapshot(), before);
    });

    it('stores folder roots as real paths, once each', async () => {
      const real = join(base, 'real-root');
      mkdirSync(real, { recursive: true });
      const link = join(base, 'link-root');
      symlinkSync(real, link);
      const saved = await patch({ folderRoots: [link, real, `${real}/`] });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body.folderRoots, [real]);
      assert.deepEqual(await t.services.store.settings.get('folderRoots'), [real]);
      assert.deepEqual((await t.admin.get('/api/v1/settings')).body.folderRoots, [real]);
    });

    it('refuses folder roots that are relative, missing or files (400 naming each), changing nothing', async () => {
      assert.equal((await patch({ smtp: SMTP, folderRoots: [base] })).status, 200);
      const file = join(base, 'a-file.txt');
      writeFileSync(file, 'not a folder');
      const cases: [string[], number, RegExp][] = [
        [['relative/folder'], 0, /absolute/],
        [[base, join(base, 'does-not-exist')], 1, /does not exist/],
        [[file], 0, /not a folder/],
      ];
      for (const [roots, index, message] of cases) {
        const before = await snapshot();
        // A valid SMTP change in the same request must not be saved either.
        const refused = await patch({
          smtp: { ...SMTP, host: 'changed.example.com' },
          folderRoots: roots,
        });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        assert.match(refused.body.detail, /folderRoots/i);
        const issue = refused.body.errors.find(
          (each: { path: string }) => each.path === `/folderRoots/${index}`,
        );
        assert.ok(issue, JSON.stringify(refused.body.errors));
        assert.match(issue.message, message);
        assert.deepEqual(await snapshot(), before, JSON.stringify(roots));
      }
    });

    it('stores the network lists normalized (a prefix on bare addresses, each once)', async () => {
      const saved = await patch({
        allowedNetworks: [' 10.1.2.0/24', '192.0.2.7', '192.0.2.7/32', 'FD12::/16'],
        deniedNetworks: ['203.0.113.0/24', '::1'],
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      const allowed = ['10.1.2.0/24', '192.0.2.7/32', 'fd12::/16'];
      const denied = ['203.0.113.0/24', '::1/128'];
      assert.deepEqual(saved.body.allowedNetworks, allowed);
      assert.deepEqual(saved.body.deniedNetworks, denied);
      assert.deepEqual(await t.services.store.settings.get('allowedNetworks'), allowed);
      const current = await t.services.settings.current();
      assert.deepEqual(current.deniedNetworks, denied, 'runs get what was saved');
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 1 });
      assert.deepEqual(events.items[0]?.details, {
        changed: ['allowedNetworks', 'deniedNetworks'],
      });

      assert.equal((await patch({ deniedNetworks: [...DEFAULT_DENIED_NETWORKS] })).status, 200);
      assert.deepEqual(
        (await t.admin.get('/api/v1/settings')).body.allowedNetworks,
        allowed,
        'a list not sent is kept',
      );
    });

    it('refuses entries that are not networks (400 naming each), changing nothing', async () => {
      assert.equal((await patch({ allowedNetworks: ['10.1.2.0/24'] })).status, 200);
      const cases: Array<[Record<string, unknown>, Array<[string, string]>]> = [
        [
          { allowedNetworks: ['10.0.0.0/8', '10.0.0.0/33'] },
          [['/allowedNetworks/1', "'10.0.0.0/33' is not a network (address/prefix)"]],
        ],
        [
          { deniedNetworks: ['intranet.example.com', '10.1.2.3/8'] },
          [
            ['/deniedNetworks/0', "'intranet.example.com' is not a network (address/prefix)"],
            [
              '/deniedNetworks/1',
              "'10.1.2.3/8' has bits set past its prefix; did you mean 10.0.0.0/8?",
            ],
          ],
        ],
        [
          { allowedNetworks: ['::1/129'], deniedNetworks: ['fe80::1%eth0'] },
          [
            ['/allowedNetworks/0', "'::1/129' is not a network (address/prefix)"],
            ['/deniedNetworks/0', "'fe80::1%eth0' is not a network (address/prefix)"],
          ],
        ],
      ];
      for (const [body, expected] of cases) {
        const before = await snapshot();
        // A valid change in the same request must not be saved either.
        const refused = await patch({ ...body, smtp: SMTP });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          refused.body.errors.map((each: { path: string; message: string }) => [
            each.path,
            each.message,
          ]),
          expected,
        );
        assert.deepEqual(await snapshot(), before, JSON.stringify(body));
      }
    });

    it('refuses wrong, huge and hostile input (400 naming the field), changing nothing', async () => {
      assert.equal((await patch({ smtp: SMTP, folderRoots: [base] })).status, 200);
      const cases: [unknown, RegExp][] = [
        [{ smtp: { ...SMTP, port: 70000 } }, /^\/smtp\/port$/],
        [{ smtp: { ...SMTP, port: '25; drop table settings' } }, /^\/smtp\/port$/],
        [{ smtp: { ...SMTP, host: '' } }, /^\/smtp\/host$/],
        [{ smtp: { ...SMTP, host: 'h'.repeat(256) } }, /^\/smtp\/host$/],
        [{ smtp: { ...SMTP, password: 'p'.repeat(1025) } }, /^\/smtp\/password$/],
        [{ smtp: { host: 'only.host' } }, /^\/smtp/],
        [{ smtp: { ...SMTP, extra: 'x' } }, /^\/smtp/],
        [{ smtp: 'smtp://user:pass@host' }, /^\/smtp$/],
        [{ folderRoots: base }, /^\/folderRoots$/],
        [{ folderRoots: [''] }, /^\/folderRoots\/0$/],
        [{ folderRoots: ['/'.repeat(4097)] }, /^\/folderRoots\/0$/],
        [{ folderRoots: Array.from({ length: 101 }, () => base) }, /^\/folderRoots$/],
        [{ folderRoots: [base], admin: true }, /admin|^\/$/],
        [{ smtp: { ...SMTP, allowPlaintext: 'yes' } }, /^\/smtp\/allowPlaintext$/],
        [{ allowPlaintextSmtp: 'true' }, /^\/allowPlaintextSmtp$/],
        [{ allowPlaintextSmtp: null }, /^\/allowPlaintextSmtp$/],
        [{ limits: { tasksPerUser: -1 } }, /^\/limits\/tasksPerUser$/],
        [{ limits: null }, /^\/limits$/],
        [{ allowedNetworks: '10.0.0.0/8' }, /^\/allowedNetworks$/],
        [{ allowedNetworks: [8] }, /^\/allowedNetworks\/0$/],
        [{ deniedNetworks: [''] }, /^\/deniedNetworks\/0$/],
        [{ deniedNetworks: [`10.0.0.0/${'8'.repeat(200)}`] }, /^\/deniedNetworks\/0$/],
        [
          { deniedNetworks: Array.from({ length: 1001 }, () => '10.0.0.0/8') },
          /^\/deniedNetworks$/,
        ],
      ];
      for (const [body, path] of cases) {
        const before = await snapshot();
        const refused = await patch(body);
        assert.equal(
          refused.status,
          400,
          `${JSON.stringify(body).slice(0, 100)}: ${refused.status}`,
        );
        assert.equal(refused.body.code, 'VALIDATION_FAILED');
        const paths = (refused.body.errors ?? []).map((each: { path: string }) => each.path);
        assert.ok(
          paths.some((each: string) => path.test(each)) || path.test(refused.body.detail),
          `${JSON.stringify(body).slice(0, 100)} -> ${JSON.stringify(refused.body)}`,
        );
        assert.deepEqual(await snapshot(), before);
      }
      const notJson = await t.admin.request('PATCH', '/api/v1/settings', '{"smtp":', {
        'content-type': 'application/json',
      });
      assert.equal(notJson.status, 400);
    });

    it("writes a 'settings.update' audit event naming who changed what, never the password", async () => {
      const { id } = (await t.admin.get('/api/v1/me')).body as { id: string };
      assert.ok(id);
      const before = (await snapshot()).auditEvents;
      assert.equal((await patch({ smtp: { ...SMTP, password: 'audited-secret' } })).status, 200);
      const events = await t.services.store.audit.list({ objectType: 'settings', limit: 1 });
      const event = events.items[0];
      assert.ok(event);
      assert.equal(event.action, 'settings.update');
      assert.equal(event.objectId, 'server');
      assert.equal(event.actorId, id);
      assert.equal(event.actorLogin, 'admin');
      assert.deepEqual(event.details, { changed: ['smtp'] });
      assert.ok(!JSON.stringify(event).includes('audited-secret'));
      assert.equal((await snapshot()).auditEvents, before + 1);
    });

    it('lets the audit API filter for settings events', async () => {
      assert.equal((await patch({ folderRoots: [base] })).status, 200);
      const shown = await t.admin.get('/api/v1/audit?objectType=settings&limit=1');
      assert.equal(shown.status, 200, JSON.stringify(shown.body));
      assert.equal(shown.body.items[0].action, 'settings.update');
    });
  });
}
